import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { ReadDatabase } from '../core/read-model-schema.js';
import { physicalTableName } from '../core/projection.js';
import { TicketRow } from './ticket-list.documents.js';
import { ticketListProjection } from './ticket-list.projection.js';
import { decodeCursor, encodeCursor } from '../core/page-cursor.js';

export interface TicketFilter {
  readonly portalId: string;
  readonly status?: readonly ('open' | 'closed')[];
  readonly ownerIds?: readonly string[];
  readonly unassigned?: boolean;
  readonly phoneNumberIds?: readonly string[];
  readonly contactPhone?: string;
  readonly updatedAfter?: string;
  readonly updatedBefore?: string;
  /** Conditions other read models build (a view's filters, a search term), each of which must hold. */
  readonly matching?: readonly TicketCondition[];
}

/** A condition on the tickets table's columns, e.g. `id in (a subquery of another read model)`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TicketCondition = (eb: ExpressionBuilder<any, any>) => Expression<SqlBool>;

export interface TicketPage {
  readonly tickets: readonly TicketRow[];
  readonly totalCount: number;
  /** Pass as `after` for the next page; null on the last page. */
  readonly endCursor: string | null;
}

/** Newest activity first; the cursor is (updated_at, id) so pages never skip or repeat a ticket. */
export async function listTickets(db: ReadDatabase, filter: TicketFilter, first = 25, after?: string): Promise<TicketPage> {
  const table = physicalTableName(ticketListProjection, 'tickets');
  let query = db.selectFrom(table).where('portal_id', '=', filter.portalId);
  if (filter.status?.length) query = query.where('status', 'in', [...filter.status]);
  if (filter.ownerIds?.length || filter.unassigned) {
    query = query.where((eb) =>
      eb.or([
        ...(filter.ownerIds?.length ? [eb('owner_id', 'in', [...filter.ownerIds])] : []),
        ...(filter.unassigned ? [eb('owner_id', 'is', null)] : []),
      ]),
    );
  }
  if (filter.phoneNumberIds?.length) query = query.where('phone_number_id', 'in', [...filter.phoneNumberIds]);
  if (filter.contactPhone) query = query.where('contact_phone', '=', filter.contactPhone);
  if (filter.updatedAfter) query = query.where('updated_at', '>=', filter.updatedAfter);
  if (filter.updatedBefore) query = query.where('updated_at', '<', filter.updatedBefore);
  for (const condition of filter.matching ?? []) query = query.where(condition);
  const total = await query.select((eb) => eb.fn.countAll().as('count')).executeTakeFirstOrThrow();
  let page = query.select(['id', 'document', 'updated_at']).orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(first + 1);
  if (after) {
    const [updatedAt, id] = decodeCursor(after, ['string', 'string'] as const);
    page = page.where((eb) => eb.or([eb('updated_at', '<', updatedAt), eb.and([eb('updated_at', '=', updatedAt), eb('id', '<', id)])]));
  }
  const rows = (await page.execute()) as { id: string; document: string; updated_at: string }[];
  const visible = rows.slice(0, first);
  const last = visible[visible.length - 1];
  return {
    tickets: visible.map((row) => JSON.parse(row.document) as TicketRow),
    totalCount: Number((total as { count: number | string }).count),
    endCursor: rows.length > first && last ? encodeCursor([last.updated_at, last.id]) : null,
  };
}
