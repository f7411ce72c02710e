import { QueryBus } from '@nestjs/cqrs';
import { Args, Query, Resolver } from '@nestjs/graphql';
import type { AuthenticatedUser } from '@helpdesk/auth';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { pageInfo } from '../graphql/page-info.model.js';
import { NarrowTicketsQuery } from '../view/narrow-tickets.query.js';
import type { TicketFilter } from '@helpdesk/projections/ticket-list/index.js';
import { once } from '../graphql/once.js';
import { CountTicketsQuery, GetTicketQuery, ListTicketsQuery } from './ticket.queries.js';
import { DEFAULT_PAGE_SIZE, TicketArgs, TicketsArgs } from './ticket-filter.input.js';
import { TicketConnectionModel, TicketModel, ticketModel } from './ticket.model.js';

/** The ticket list read model, always within the caller's portal. */
@Resolver(() => TicketModel)
@Roles('agent', 'admin', 'auditor')
export class TicketsResolver {
  constructor(private readonly queries: QueryBus) {}

  @Query(() => TicketConnectionModel, { description: "The portal's tickets, newest activity first." })
  async tickets(@CurrentUser() user: AuthenticatedUser, @Args() args: TicketsArgs): Promise<TicketConnectionModel> {
    const { filter, first, after, atLeastPosition, viewId, search } = args;
    const narrowing = new NarrowTicketsQuery(user, { viewId, search }, atLeastPosition ?? undefined);
    const matching = await this.queries.execute(narrowing);
    const ticketFilter: TicketFilter = {
      portalId: user.portalId,
      ...(filter?.status && { status: filter.status }),
      ...(filter?.ownerIds && { ownerIds: filter.ownerIds }),
      ...(filter?.unassigned && { unassigned: true }),
      ...(filter?.phoneNumberIds && { phoneNumberIds: filter.phoneNumberIds }),
      ...(filter?.contactPhone && { contactPhone: filter.contactPhone }),
      ...(filter?.updatedAfter && { updatedAfter: filter.updatedAfter }),
      ...(filter?.updatedBefore && { updatedBefore: filter.updatedBefore }),
      ...(matching.length > 0 && { matching }),
    };
    const query = new ListTicketsQuery(
      ticketFilter,
      first ?? DEFAULT_PAGE_SIZE,
      after ?? undefined,
      atLeastPosition ?? undefined,
    );
    const page = await this.queries.execute(query);
    const counted = once(() => this.queries.execute(new CountTicketsQuery(ticketFilter)));
    return { nodes: page.tickets.map(ticketModel), pageInfo: pageInfo(page.endCursor), counted };
  }

  @Query(() => TicketModel, {
    nullable: true,
    description: "One of the portal's tickets; null if there is no such ticket in it.",
  })
  async ticket(
    @CurrentUser() user: AuthenticatedUser,
    @Args() { id, atLeastPosition }: TicketArgs,
  ): Promise<TicketModel | null> {
    const row = await this.queries.execute(new GetTicketQuery(user.portalId, id, atLeastPosition ?? undefined));
    return row && ticketModel(row);
  }
}
