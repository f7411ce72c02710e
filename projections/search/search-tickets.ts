import { type Expression, type SqlBool, sql } from 'kysely';
import { physicalTableName } from '../core/projection.js';
import { type ReadDatabase, isPostgres } from '../core/read-model-schema.js';
import { MIN_TEXT_INDEX_TERM, countTextHits, likeContains, textCandidates, textHits } from '../core/text-index.js';
import { type TicketCondition, ticketsTable } from '../ticket-list/list-tickets.reader.js';
import { SEARCH_CONTACTS, SEARCH_MESSAGES, searchKey, searchProjection } from './search.projection.js';

export { containsPattern } from '../core/text-index.js';

export const MAX_SEARCH_LENGTH = 200;
/** A trigram index cannot narrow a shorter term, which would read every ticket of the portal. */
export const MIN_SEARCH_LENGTH = MIN_TEXT_INDEX_TERM;
/**
 * A term the text index finds in at most this many rows (all portals) is rare: the tickets are
 * then named by id from those rows. A commoner one is checked ticket by ticket as the page walks
 * the list newest first, which stops early precisely because matches are frequent.
 */
export const RARE_HITS = 2_000;
/** Fewer digits than this would match most numbers: the term is then not searched as a phone number. */
const MIN_PHONE_DIGITS = 3;
const PHONE_LIKE = /^[\d\s+().-]+$/;

/** A search term the index cannot serve: too short, or too long. Nothing was read. */
export class SearchTermError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SearchTermError';
  }
}

/**
 * Numbers are kept in E.164: without spaces and punctuation, and without the leading 0 of a
 * national spelling (06 ...) or the 00 of an international one (0033 ...), the rest is in it.
 */
function phoneDigits(term: string): string {
  return term.replace(/\D/g, '').replace(/^0+/, '');
}

/** The term as searched: trimmed, lower-cased, between MIN_SEARCH_LENGTH and MAX_SEARCH_LENGTH characters. */
export function searchTerm(term: string): string {
  const key = searchKey(term.trim());
  const length = [...key].length;
  if (length < MIN_SEARCH_LENGTH)
    throw new SearchTermError(`search needs at least ${MIN_SEARCH_LENGTH} characters, got ${length}`);
  if (length > MAX_SEARCH_LENGTH)
    throw new SearchTermError(`search takes at most ${MAX_SEARCH_LENGTH} characters, got ${length}`);
  return key;
}

/**
 * Tickets of the portal whose messages contain the term, whose contact's name contains it, or,
 * when the term is a phone number or part of one in any spelling, whose contact's number does.
 * Case does not matter; the term is taken literally (no wildcards, no query syntax). Quarantined
 * messages have no row in the search read model. Throws SearchTermError for a term shorter than
 * MIN_SEARCH_LENGTH or longer than MAX_SEARCH_LENGTH characters.
 *
 * Asks the text indexes first: for a rare term they name every matching ticket and contact (a
 * few thousand rows at most), for a common one the page checks tickets one by one.
 */
export async function ticketSearchCondition(
  db: ReadDatabase,
  portalId: string,
  term: string,
  /** Tests lower it to take the common-term path with a few rows. */
  rareHits = RARE_HITS,
): Promise<TicketCondition> {
  const key = searchTerm(term);
  const digits = PHONE_LIKE.test(term) ? phoneDigits(term) : '';
  const messages = physicalTableName(searchProjection, SEARCH_MESSAGES);
  const contacts = physicalTableName(searchProjection, SEARCH_CONTACTS);
  const tickets = ticketsTable();
  const ticketIds = await rareMatches(db, portalId, messages, 'text_key', 'ticket_id', key, rareHits);
  const contactIds = await rareMatches(db, portalId, contacts, 'name_key', 'contact_id', key, rareHits);
  const phone = digits.length >= MIN_PHONE_DIGITS;
  return {
    counted: false,
    // A common term in messages alone: its tickets come densely from the index, which a count walks
    // (a thousand tickets from about as many index hits, instead of checking every ticket in turn).
    // SQLite only: FTS5 hands its hits out one by one, where PostgreSQL's GIN index is read whole (a bitmap).
    ...(ticketIds === 'common' &&
      !isPostgres(db) &&
      !phone &&
      contactIds !== 'common' &&
      contactIds.length === 0 && {
        candidates: (candidateDb: ReadDatabase) =>
          candidateDb
            .selectFrom(textHits(candidateDb, messages, 'text_key', key, 'hits'))
            .crossJoin(`${messages} as r`)
            .where(sql<SqlBool>`r.rowid = hits.hit`)
            .where('r.portal_id', '=', portalId)
            // Exact, as `candidates` must be: the index's hits are case-folded candidates.
            .where(likeContains('r.text_key', key))
            .select('r.ticket_id'),
      }),
    where: (eb) => {
      const alternatives: Expression<SqlBool>[] = [];
      if (ticketIds === 'common') {
        // Per ticket, as the page walks the list newest first: a page stops after its first matches.
        const inMessages = eb
          .selectFrom(messages)
          .select(sql.lit(1).as('found'))
          .where('portal_id', '=', portalId)
          .where('ticket_id', '=', eb.ref(`${tickets}.id`))
          .where(likeContains('text_key', key));
        alternatives.push(eb.exists(inMessages));
      } else if (ticketIds.length > 0) alternatives.push(eb(`${tickets}.id`, 'in', ticketIds));
      if (contactIds === 'common') {
        const named = eb
          .selectFrom(contacts)
          .select('contact_id')
          .where('portal_id', '=', portalId)
          .where(likeContains('name_key', key));
        alternatives.push(eb('contact_id', 'in', named));
      } else if (contactIds.length > 0) alternatives.push(eb('contact_id', 'in', contactIds));
      if (phone) alternatives.push(likeContains('contact_phone', digits));
      return alternatives.length > 0 ? eb.or(alternatives) : sql<SqlBool>`1 = 0`;
    },
  };
}

/**
 * The rows of `table` (any portal) whose `column` may contain the term, through the column's text
 * index, RARE_HITS + 1 at most: each with its `select` value, portal and whether it contains the
 * term exactly (SQLite's index hits are case-folded candidates; LIKE decides).
 */
export function textMatchesQuery(
  db: ReadDatabase,
  table: string,
  column: string,
  select: string,
  term: string,
  rareHits = RARE_HITS,
) {
  return db
    .selectFrom(`${table} as r`)
    .select([`r.${select} as value`, 'r.portal_id as portal', likeContains(sql.ref(`r.${column}`), term).as('exact')])
    .where(textCandidates(db, table, column, term, { alias: 'r', examine: rareHits + 1 }))
    .limit(rareHits + 1);
}

/** The distinct `select` values of the portal's rows whose `column` contains the term; 'common' past `rareHits` rows. */
async function rareMatches(
  db: ReadDatabase,
  portalId: string,
  table: string,
  column: string,
  select: string,
  term: string,
  rareHits: number,
): Promise<string[] | 'common'> {
  // Counted from the index first: a common term's rows are never fetched.
  if ((await countTextHits(db, table, column, term, rareHits + 1)) > rareHits) return 'common';
  const rows = (await textMatchesQuery(db, table, column, select, term, rareHits).execute()) as {
    value: string | null;
    portal: string;
    exact: unknown;
  }[];
  if (rows.length > rareHits) return 'common';
  const values = new Set<string>();
  for (const row of rows) if (row.portal === portalId && row.value !== null && row.exact) values.add(row.value);
  return [...values];
}
