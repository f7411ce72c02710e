import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { ReadStore } from '@helpdesk/read-store';
import {
  type TicketFilter,
  type TicketPage,
  type TicketRow,
  getTicket,
  listTickets,
} from '../../../../projections/ticket-list/index.js';
import { badUserInput } from '../graphql/api-error.js';
import { ReadYourWrites } from '../graphql/read-your-writes.js';

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
    if (after !== undefined && !isTicketCursor(after)) {
      throw badUserInput([{ field: 'after', messages: ["after must be a pageInfo.endCursor of this list"] }]);
    }
    await this.readYourWrites.atLeast(atLeastPosition);
    return listTickets(this.readStore.db, filter, first, after);
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

/** The list's cursors are base64url JSON `[updatedAt, id]`; anything else is the client's mistake, not ours. */
function isTicketCursor(cursor: string): boolean {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(parsed) && parsed.length === 2 && parsed.every((part) => typeof part === 'string');
  } catch {
    return false;
  }
}
