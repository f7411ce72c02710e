import type { ReadDatabase } from '../core/read-model-schema.js';
import { physicalTableName } from '../core/projection.js';
import { TicketRow } from './ticket-list.documents.js';
import { ticketListProjection } from './ticket-list.projection.js';

/** One ticket of a portal; null when there is none, or when it is another portal's. */
export async function getTicket(db: ReadDatabase, portalId: string, ticketId: string): Promise<TicketRow | null> {
  const row = (await db
    .selectFrom(physicalTableName(ticketListProjection, 'tickets'))
    .select('document')
    .where('id', '=', ticketId)
    .where('portal_id', '=', portalId)
    .executeTakeFirst()) as { document: string } | undefined;
  return row ? (JSON.parse(row.document) as TicketRow) : null;
}
