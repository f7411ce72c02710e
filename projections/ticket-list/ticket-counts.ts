import type { Document, DocumentAccess } from '../core/projection.js';
import type { TicketRow } from './ticket-list.documents.js';

export const TICKET_COUNTS = 'counts';

/**
 * How many of a portal's tickets share one status, owner and latest-message direction. A handful of
 * rows per portal: a view or filter on these columns alone is counted by summing them, whatever the
 * portal's size (see count-tickets.query.ts).
 */
export interface TicketCountRow {
  readonly portalId: string;
  readonly status: TicketRow['status'];
  readonly ownerId: string | null;
  readonly lastMessageDirection: TicketRow['lastMessageDirection'];
  readonly tickets: number;
}

type Counted = Pick<TicketRow, 'portalId' | 'status' | 'ownerId' | 'lastMessageDirection'>;

export function ticketCountId({ portalId, status, ownerId, lastMessageDirection }: Counted): string {
  return JSON.stringify([portalId, status, ownerId, lastMessageDirection]);
}

/** Moves a ticket from its former combination (none when it is new) to its current one. */
export async function recountTicket(access: DocumentAccess, before: TicketRow | null, after: TicketRow): Promise<void> {
  if (before && ticketCountId(before) === ticketCountId(after)) return;
  if (before) await addToCount(access, before, -1);
  await addToCount(access, after, 1);
}

async function addToCount(access: DocumentAccess, ticket: Counted, delta: number): Promise<void> {
  const id = ticketCountId(ticket);
  const current = await access.get<TicketCountRow & Document>(TICKET_COUNTS, id);
  const tickets = (current?.tickets ?? 0) + delta;
  // An empty combination leaves no row, so live and rebuilt tables hold the same rows.
  if (tickets === 0) return access.delete(TICKET_COUNTS, id);
  const { portalId, status, ownerId, lastMessageDirection } = ticket;
  const row: TicketCountRow = { portalId, status, ownerId, lastMessageDirection, tickets };
  access.put(TICKET_COUNTS, id, row as unknown as Document);
}
