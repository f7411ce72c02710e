import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { ReadStore } from '@helpdesk/read-store';
import {
  type TicketCount,
  type TicketFilter,
  type TicketPage,
  type TicketRow,
  countTickets,
  getTicket,
  listTickets,
} from '@helpdesk/projections/ticket-list/index.js';
import { badUserInput } from '../graphql/api-error.js';
import { ReadYourWrites } from '../graphql/read-your-writes.js';
import { InvalidCursorError } from '@helpdesk/projections/core/page-cursor.js';

/** A page of the portal's ticket list; the portal is the caller's, from their token. */
export class ListTicketsQuery extends Query<TicketPage> {
  constructor(
    readonly filter: TicketFilter,
    readonly first: number,
    readonly after?: string,
    readonly atLeastPosition?: string,
  ) {
    super();
  }
}

/** How many of the portal's tickets match, for `totalCount`; read after the page, at least as fresh. */
export class CountTicketsQuery extends Query<TicketCount> {
  constructor(readonly filter: TicketFilter) {
    super();
  }
}

/** One ticket of the portal; null when it does not exist or belongs to another portal. */
export class GetTicketQuery extends Query<TicketRow | null> {
  constructor(
    readonly portalId: string,
    readonly ticketId: string,
    readonly atLeastPosition?: string,
  ) {
    super();
  }
}

@QueryHandler(ListTicketsQuery)
export class ListTicketsHandler implements IQueryHandler<ListTicketsQuery, TicketPage> {
  constructor(
    private readonly readStore: ReadStore,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  async execute({ filter, first, after, atLeastPosition }: ListTicketsQuery): Promise<TicketPage> {
    await this.readYourWrites.atLeast(atLeastPosition);
    try {
      return await listTickets(this.readStore.db, filter, first, after);
    } catch (error) {
      // A cursor is opaque: one we did not hand out is the client's mistake, not ours.
      if (error instanceof InvalidCursorError) {
        throw badUserInput([{ field: 'after', messages: ['after must be a pageInfo.endCursor of this list'] }]);
      }
      throw error;
    }
  }
}

@QueryHandler(CountTicketsQuery)
export class CountTicketsHandler implements IQueryHandler<CountTicketsQuery, TicketCount> {
  constructor(private readonly readStore: ReadStore) {}

  execute({ filter }: CountTicketsQuery): Promise<TicketCount> {
    return countTickets(this.readStore.db, filter);
  }
}

@QueryHandler(GetTicketQuery)
export class GetTicketHandler implements IQueryHandler<GetTicketQuery, TicketRow | null> {
  constructor(
    private readonly readStore: ReadStore,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  async execute({ portalId, ticketId, atLeastPosition }: GetTicketQuery): Promise<TicketRow | null> {
    await this.readYourWrites.atLeast(atLeastPosition);
    return getTicket(this.readStore.db, portalId, ticketId);
  }
}
