import type { ColumnValues, DocumentAccess } from '../core/projection.js';
import type { TicketRow } from './ticket-list.documents.js';

/** Per status, owner and latest-message direction: a handful of rows per portal. */
export const TICKET_COUNTS = 'counts';
/** The same, per account and business number too: rows grow with the portal's numbers and agents, not its tickets. */
export const NUMBER_COUNTS = 'number_counts';
/** The same, per contact too: only read for a contact filter, which names at most 100 contacts, by index. */
export const CONTACT_COUNTS = 'contact_counts';

type Dimension = 'status' | 'ownerId' | 'lastMessageDirection' | 'accountId' | 'businessPhone' | 'contactId';

const BASE = ['status', 'ownerId', 'lastMessageDirection'] as const satisfies readonly Dimension[];

/**
 * Every count table, smallest first; each has the columns of the one before it. A filter on some of
 * these columns is counted by summing the smallest table that has them all, so every view filter is
 * counted exactly, in time that does not grow with the portal's tickets (see count-tickets.query.ts).
 */
export type CountTable = typeof TICKET_COUNTS | typeof NUMBER_COUNTS | typeof CONTACT_COUNTS;

export const COUNT_TABLES: readonly { readonly name: CountTable; readonly dimensions: readonly Dimension[] }[] = [
  { name: TICKET_COUNTS, dimensions: BASE },
  { name: NUMBER_COUNTS, dimensions: [...BASE, 'accountId', 'businessPhone'] },
  { name: CONTACT_COUNTS, dimensions: [...BASE, 'accountId', 'businessPhone', 'contactId'] },
];

/** The column of each dimension: the tickets table's own name for it. */
export const COUNT_COLUMNS: Readonly<Record<Dimension, string>> = {
  status: 'status',
  ownerId: 'owner_id',
  lastMessageDirection: 'last_direction',
  accountId: 'account_id',
  businessPhone: 'business_phone',
  contactId: 'contact_id',
};

/** How many of a portal's tickets share one value of each of a count table's dimensions. */
export interface TicketCountRow {
  readonly portalId: string;
  readonly status: TicketRow['status'];
  readonly ownerId: string | null;
  readonly lastMessageDirection: TicketRow['lastMessageDirection'];
  readonly accountId?: string | null;
  readonly businessPhone?: string;
  readonly contactId?: string | null;
  readonly tickets: number;
}

/** Every count table holds count rows. */
export type CountRows = { readonly [T in CountTable]: TicketCountRow };

type Counted = Pick<
  TicketRow,
  'portalId' | 'status' | 'ownerId' | 'lastMessageDirection' | 'accountId' | 'businessPhone' | 'contactId'
>;

/** The row id in the status/owner/direction table (TICKET_COUNTS). */
export function ticketCountId({
  portalId,
  status,
  ownerId,
  lastMessageDirection,
}: Pick<Counted, 'portalId' | 'status' | 'ownerId' | 'lastMessageDirection'>): string {
  return JSON.stringify([portalId, status, ownerId, lastMessageDirection]);
}

function countId(dimensions: readonly Dimension[], ticket: Counted): string {
  return JSON.stringify([ticket.portalId, ...dimensions.map((dimension) => ticket[dimension] ?? null)]);
}

/** Whether two tickets count in the same row of a table: compared directly, not through their ids (a rebuild's hot path). */
function sameCombination(dimensions: readonly Dimension[], a: Counted, b: Counted): boolean {
  return (
    a.portalId === b.portalId && dimensions.every((dimension) => (a[dimension] ?? null) === (b[dimension] ?? null))
  );
}

/** Moves a ticket from its former combinations (none when it is new) to its current ones, in every count table. */
export async function recountTicket(
  access: DocumentAccess<CountRows>,
  before: Counted | null,
  after: Counted,
): Promise<void> {
  for (const { name, dimensions } of COUNT_TABLES) {
    if (before && sameCombination(dimensions, before, after)) continue;
    if (before) await addToCount(access, name, dimensions, before, -1);
    await addToCount(access, name, dimensions, after, 1);
  }
}

async function addToCount(
  access: DocumentAccess<CountRows>,
  table: CountTable,
  dimensions: readonly Dimension[],
  ticket: Counted,
  delta: number,
): Promise<void> {
  const id = countId(dimensions, ticket);
  const current = await access.get(table, id);
  const tickets = (current?.tickets ?? 0) + delta;
  // An empty combination leaves no row, so live and rebuilt tables hold the same rows.
  if (tickets === 0) return access.delete(table, id);
  const { portalId, status, ownerId, lastMessageDirection } = ticket;
  const row: TicketCountRow = {
    portalId,
    status,
    ownerId,
    lastMessageDirection,
    ...Object.fromEntries(dimensions.slice(BASE.length).map((dimension) => [dimension, ticket[dimension] ?? null])),
    tickets,
  };
  access.put(table, id, row);
}

/** A count row's columns: the portal, its dimensions, and the number of tickets. */
export function countColumns(table: CountTable, row: TicketCountRow): ColumnValues {
  const dimensions = COUNT_TABLES.find((count) => count.name === table)?.dimensions ?? [];
  const columns: Record<string, string | number | null> = { portal_id: row.portalId, tickets: row.tickets };
  for (const dimension of dimensions) columns[COUNT_COLUMNS[dimension]] = row[dimension] ?? null;
  return columns;
}
