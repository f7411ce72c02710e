import { type Expression, type ExpressionBuilder, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import { type ReadDatabase, isPostgres } from '../core/read-model-schema.js';
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

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TicketExpression = (eb: ExpressionBuilder<any, any>) => Expression<SqlBool>;

/** A condition on the tickets table's columns, e.g. `id in (a subquery of another read model)`. */
export interface TicketCondition {
  readonly where: TicketExpression;
  /**
   * True when it tests only status, owner_id and last_direction (or nothing: a constant): the
   * maintained counts, which have these columns, then count it exactly without reading tickets.
   */
  readonly counted: boolean;
  /**
   * With `counted`, when it also tests account_id, business_phone or contact_id: the count table
   * that has those columns too (NUMBER_COUNTS or CONTACT_COUNTS; see ticket-counts.ts).
   */
  readonly countedIn?: string;
  /**
   * Exactly the tickets the condition holds for, as ticket ids (a query selecting `ticket_id`,
   * duplicates allowed, read in its own order): a count up to its cap then walks them, joined to
   * the tickets and tested against the other conditions, instead of testing `where` on every ticket
   * of the portal. Worth it when `where` is dear per ticket and the ids come cheap and dense from an
   * index (a common search term).
   */
  readonly candidates?: (db: ReadDatabase) => SelectQueryBuilder<any, any, { ticket_id: string | null }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /**
   * True when it is `id in (…)`, a few thousand ids at most (a rare search term): the query then
   * finds those tickets through the primary key and sorts them. On SQLite without ANALYZE
   * statistics the planner otherwise walks the portal's tickets in an ordering index to spare the
   * sort, testing each (a search naming 50 tickets read 700,000 open ones: 80 ms a page at 1M).
   */
  readonly byIds?: boolean;
}

export interface TicketPage {
  readonly tickets: readonly TicketRow[];
  /** Pass as `after` for the next page; null on the last page. */
  readonly endCursor: string | null;
}

export const ticketsTable = () => physicalTableName(ticketListProjection, 'tickets');

/** The filter's own criteria as conditions; those on status and owner are counted ones. */
export function filterConditions(filter: TicketFilter): TicketCondition[] {
  const conditions: TicketCondition[] = [];
  const add = (counted: boolean, where: TicketExpression) => conditions.push({ counted, where });
  const { status, ownerIds, unassigned, phoneNumberIds, contactPhone, updatedAfter, updatedBefore } = filter;
  if (status?.length) add(true, (eb) => eb('status', 'in', [...status]));
  if (ownerIds?.length || unassigned) {
    add(true, (eb) =>
      eb.or([
        ...(ownerIds?.length ? [eb('owner_id', 'in', [...ownerIds])] : []),
        ...(unassigned ? [eb('owner_id', 'is', null)] : []),
      ]),
    );
  }
  if (phoneNumberIds?.length) add(false, (eb) => eb('phone_number_id', 'in', [...phoneNumberIds]));
  if (contactPhone) add(false, (eb) => eb('contact_phone', '=', contactPhone));
  if (updatedAfter) add(false, (eb) => eb('updated_at', '>=', updatedAfter));
  if (updatedBefore) add(false, (eb) => eb('updated_at', '<', updatedBefore));
  return [...conditions, ...(filter.matching ?? [])];
}

/** The portal's tickets meeting every condition of the filter (a query to select from). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function matchingTickets(db: ReadDatabase, filter: TicketFilter): SelectQueryBuilder<any, any, object> {
  // Every index but the primary key's starts with portal_id: `+portal_id` leaves SQLite that one.
  const byIds = !isPostgres(db) && (filter.matching ?? []).some((condition) => condition.byIds);
  let query = db
    .selectFrom(ticketsTable())
    .where(byIds ? sql<string>`+${sql.ref('portal_id')}` : 'portal_id', '=', filter.portalId);
  for (const condition of filterConditions(filter)) query = query.where(condition.where);
  return query;
}

/**
 * Newest activity first; the cursor is (updated_at, id) so pages never skip or repeat a ticket.
 * How many tickets match is a separate question (countTickets), asked only when wanted.
 */
export async function listTickets(
  db: ReadDatabase,
  filter: TicketFilter,
  first = 25,
  after?: string,
): Promise<TicketPage> {
  let page = matchingTickets(db, filter)
    .select(['id', 'document', 'updated_at'])
    .orderBy('updated_at', 'desc')
    .orderBy('id', 'desc')
    .limit(first + 1);
  if (after) {
    const [updatedAt, id] = decodeCursor(after, ['string', 'string'] as const);
    page = page.where((eb) =>
      eb.or([eb('updated_at', '<', updatedAt), eb.and([eb('updated_at', '=', updatedAt), eb('id', '<', id)])]),
    );
  }
  const rows = (await page.execute()) as { id: string; document: string; updated_at: string }[];
  const visible = rows.slice(0, first);
  const last = visible[visible.length - 1];
  return {
    tickets: visible.map((row) => JSON.parse(row.document) as TicketRow),
    endCursor: rows.length > first && last ? encodeCursor([last.updated_at, last.id]) : null,
  };
}
