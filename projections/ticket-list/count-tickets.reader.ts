import type { ReadDatabase } from '../core/read-model-schema.js';
import { physicalTableName } from '../core/projection.js';
import {
  type TicketCondition,
  type TicketFilter,
  filterConditions,
  matchingTickets,
  ticketsTable,
} from './list-tickets.reader.js';
import { COUNT_TABLES } from './ticket-counts.js';
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
 * How many of the portal's tickets match the filter. When every condition is on status, owner,
 * latest-message direction, account, business number and contact (every view filter), the
 * maintained counts answer exactly, in time that does not grow with the portal's tickets.
 * Otherwise (search, dates, the ticket list's own number and contact-phone filters) the tickets
 * are counted up to COUNT_CAP.
 */
export async function countTickets(db: ReadDatabase, filter: TicketFilter, cap = COUNT_CAP): Promise<TicketCount> {
  const conditions = filterConditions(filter);
  if (conditions.every((condition) => condition.counted)) {
    let sum = db
      .selectFrom(physicalTableName(ticketListProjection, countTableFor(conditions)))
      .where('portal_id', '=', filter.portalId);
    for (const condition of conditions) sum = sum.where(condition.where);
    const row = await sum.select((eb) => eb.fn.sum<number | string | null>('tickets').as('tickets')).executeTakeFirst();
    return { count: Number(row?.tickets ?? 0), capped: false };
  }
  const driving = conditions.find((condition) => condition.candidates);
  const upToCap = driving?.candidates
    ? candidateTickets(db, filter, conditions, driving.candidates).limit(cap + 1)
    : matchingTickets(db, filter)
        .select('id')
        .limit(cap + 1);
  const row = await db
    .selectFrom(upToCap.as('matching'))
    .select((eb) => eb.fn.countAll<number | string>().as('tickets'))
    .executeTakeFirstOrThrow();
  const count = Number(row.tickets);
  return count > cap ? { count: cap, capped: true } : { count, capped: false };
}

/**
 * The filter's tickets among the candidates (which are exactly those of their own condition), each once. The candidates come first in a CROSS JOIN,
 * which SQLite keeps in that order: they drive, and the count's LIMIT stops reading them.
 */
function candidateTickets(
  db: ReadDatabase,
  filter: TicketFilter,
  conditions: readonly TicketCondition[],
  candidates: NonNullable<TicketCondition['candidates']>,
) {
  const tickets = ticketsTable();
  let query = db
    .selectFrom(candidates(db).as('candidate'))
    .crossJoin(tickets)
    .whereRef(`${tickets}.id`, '=', 'candidate.ticket_id')
    .where(`${tickets}.portal_id`, '=', filter.portalId);
  for (const condition of conditions) if (condition.candidates !== candidates) query = query.where(condition.where);
  return query.select(`${tickets}.id`).distinct();
}

/** The smallest count table with every column the conditions test. */
function countTableFor(conditions: readonly TicketCondition[]): string {
  const needed = conditions.map((condition) =>
    COUNT_TABLES.findIndex((table) => table.name === (condition.countedIn ?? COUNT_TABLES[0].name)),
  );
  if (needed.includes(-1))
    throw new Error(
      `A condition is counted in an unknown table: ${conditions.map((condition) => condition.countedIn).join(', ')}`,
    );
  return COUNT_TABLES[Math.max(0, ...needed)].name;
}
