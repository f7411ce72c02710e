import { Logger } from '@nestjs/common';
import { Int, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { TicketCount } from '../../../../projections/ticket-list/index.js';
import { COUNT_CAP } from '../../../../projections/ticket-list/index.js';
import { toGraphqlError } from '../graphql/graphql-errors.filter.js';
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
    return this.countOf(connection, (count) => count.count);
  }

  @ResolveField(() => Boolean, { description: `True when more than ${COUNT_CAP.toLocaleString('en')} tickets match and totalCount stopped there.` })
  totalCountCapped(@Parent() connection: ConnectionParent): Promise<boolean> {
    return this.countOf(connection, (count) => count.capped);
  }

  private async countOf<T>(connection: ConnectionParent, pick: (count: TicketCount) => T): Promise<T> {
    try {
      return pick(await connection.counted());
    } catch (error) {
      // Exception filters do not run for field resolvers: without this, a read-store error's own text would reach the client.
      this.logger.error({ msg: 'TicketConnection.totalCount failed', err: error });
      throw toGraphqlError(error);
    }
  }
}
