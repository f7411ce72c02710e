import type { ReadDatabase } from '../core/read-model-schema.js';
import { physicalTableName } from '../core/projection.js';
import { type TicketFilter, filterConditions, matchingTickets } from './list-tickets.query.js';
import { TICKET_COUNTS } from './ticket-counts.js';
import { ticketListProjection } from './ticket-list.projection.js';

/** Beyond this many, a count that has to read the tickets themselves stops: "more than 1,000". */
export const COUNT_CAP = 1_000;

export interface TicketCount {
  /** How many tickets match; the cap when `capped`. */
  readonly count: number;
  /** True when more tickets than the cap match and they were not all counted. */
  readonly capped: boolean;
}

/**
 * How many of the portal's tickets match the filter. When every condition is on status, owner and
 * latest-message direction (the default views, most custom ones), the maintained counts answer
 * exactly, in time that does not grow with the portal. Otherwise (search, account, number, dates)
 * the tickets are counted up to COUNT_CAP.
 */
export async function countTickets(db: ReadDatabase, filter: TicketFilter, cap = COUNT_CAP): Promise<TicketCount> {
  const conditions = filterConditions(filter);
  if (conditions.every((condition) => condition.counted)) {
    let sum = db.selectFrom(physicalTableName(ticketListProjection, TICKET_COUNTS)).where('portal_id', '=', filter.portalId);
    for (const condition of conditions) sum = sum.where(condition.where);
    const row = await sum.select((eb) => eb.fn.sum<number | string | null>('tickets').as('tickets')).executeTakeFirst();
    return { count: Number(row?.tickets ?? 0), capped: false };
  }
  const upToCap = matchingTickets(db, filter).select('id').limit(cap + 1);
  const row = await db
    .selectFrom(upToCap.as('matching'))
    .select((eb) => eb.fn.countAll<number | string>().as('tickets'))
    .executeTakeFirstOrThrow();
  const count = Number(row.tickets);
  return count > cap ? { count: cap, capped: true } : { count, capped: false };
}
