import { Logger } from '@nestjs/common';
import { Int, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { COUNT_CAP } from '@helpdesk/projections/ticket-list/index.js';
import { countedField } from '../graphql/counted-field.js';
import { TicketConnectionModel } from './ticket.model.js';

/** A type, not the class: the global ValidationPipe would otherwise validate the parent as input. */
type ConnectionParent = Pick<TicketConnectionModel, 'counted'>;

/**
 * `totalCount` is counted only when a query selects it. Field resolvers run no guards: the
 * connection was made by the authorised `tickets` query, for the caller's portal.
 */
@Resolver(() => TicketConnectionModel)
export class TicketConnectionResolver {
  private readonly logger = new Logger('GraphQL');

  @ResolveField(() => Int, {
    description: `Tickets matching the filter, on every page. Exact for filters on status, owner and the latest message's direction alone (the default views); otherwise counted up to ${COUNT_CAP.toLocaleString('en')} (see totalCountCapped).`,
  })
  totalCount(@Parent() connection: ConnectionParent): Promise<number> {
    return countedField(connection.counted, (count) => count.count, this.logger, 'TicketConnection.totalCount');
  }

  @ResolveField(() => Boolean, {
    description: `True when more than ${COUNT_CAP.toLocaleString('en')} tickets match and totalCount stopped there.`,
  })
  totalCountCapped(@Parent() connection: ConnectionParent): Promise<boolean> {
    return countedField(connection.counted, (count) => count.capped, this.logger, 'TicketConnection.totalCountCapped');
  }
}
