import { type Expression, type SqlBool, sql } from 'kysely';
import { physicalTableName } from '../core/projection.js';
import { type ReadDatabase, isPostgres } from '../core/read-model-schema.js';
import {
  MIN_TEXT_INDEX_TERM,
  type TextMatches,
  countTrigramRows,
  estimateTrigrams,
  likeContains,
  lookupCandidates,
  rowidSpan,
  scanContains,
  textCandidates,
  textHits,
} from '../core/text-index.js';
import type { TrigramStats } from '../core/trigram-stats.js';
import { SearchGate } from './search-gate.js';
import type { CommonTerms } from './common-terms.js';
import { type TicketCondition, ticketsTable } from '../ticket-list/list-tickets.reader.js';
import { SEARCH_CONTACTS, SEARCH_MESSAGES, searchKey, searchProjection } from './search.projection.js';

export { containsPattern } from '../core/text-index.js';
export { SearchBusyError, SearchGate } from './search-gate.js';
export { CommonTerms } from './common-terms.js';
export { TrigramStats } from '../core/trigram-stats.js';

export const MAX_SEARCH_LENGTH = 200;
/** A trigram index cannot narrow a shorter term, which would read every ticket of the portal. */
export const MIN_SEARCH_LENGTH = MIN_TEXT_INDEX_TERM;
/**
 * A term in at most this many of the portal's rows is rare: the tickets are then named by id
 * from those rows. A commoner one is checked ticket by ticket as the page walks
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
 * A search that would read more than its budget (SearchBounds.maxScanRows on SQLite, the statement
 * timeout on PostgreSQL): nothing is answered, the agent should search for something more specific.
 */
export class SearchTooBroadError extends Error {
  constructor() {
    super('This search would read too much; search for a longer or more specific term');
    this.name = 'SearchTooBroadError';
  }
}

/** What one search may cost, and how it shares the process. */
export interface SearchBounds {
  /**
   * SQLite: each of the term's trigrams is counted from its newest `trigramSample` rows in the
   * FTS5 table, or estimated from their rowid span when it is in more (estimateTrigrams).
   */
  readonly trigramSample: number;
  /** SQLite: how many of the term's trigrams are probed before the narrowest are chosen. */
  readonly trigramProbes: number;
  /** SQLite: the term's narrowest trigrams (this many at most) whose rows are its candidates. */
  readonly candidateTrigrams: number;
  /**
   * SQLite: the index is asked for the candidates only when the narrowest trigram is in at most
   * this many rows (estimated); a term whose every trigram is commoner is scanned (scanContains).
   */
  readonly candidateTrigramDocs: number;
  /** SQLite: candidate rows (any portal) read and checked at most; past that the term is scanned. */
  readonly maxCandidates: number;
  /** SQLite: rowids a scan reads per statement before it gives the event loop back. */
  readonly sliceRows: number;
  /** SQLite: rowids one scan may read in all (per table scanned); past that, SearchTooBroadError. */
  readonly maxScanRows: number;
  /** PostgreSQL: the statement timeout of the index lookups, in ms; past that, SearchTooBroadError. */
  readonly statementTimeoutMs: number;
  /** Admits the scans: SearchBusyError when too many run and wait. */
  readonly gate: SearchGate;
  /** Runs between slices and probes; by default the event loop runs everything queued first. */
  readonly pause: () => Promise<void>;
  /** The terms already found common, per portal (none by default: the API keeps one per app). */
  readonly commonTerms?: CommonTerms;
  /** What trigram probes and counts found (none by default: the API keeps one per app). */
  readonly trigramStats?: TrigramStats;
}

/** Gives the event loop back: I/O callbacks and timers queued meanwhile run before the promise resolves. */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * 500 rows per trigram probe (about 0.1 ms), 28 probes (a 30-character term), the 3 narrowest
 * trigrams' rows as candidates when the narrowest is in at most 150,000 rows (counting them walks
 * its doclist: about 5 ms) and they are at most 10,000 (each read and checked: about 15 ms),
 * 20,000 rowids per scan slice (about 2.5 ms of CPU), 5M rowids per scan (about 0.7 s of CPU, in
 * slices), 2 scans at once and 8 waiting, 2 s per PostgreSQL statement (measured at 3M message
 * rows, issue 19).
 */
export const DEFAULT_SEARCH_BOUNDS: SearchBounds = {
  trigramSample: 500,
  trigramProbes: 28,
  candidateTrigrams: 3,
  candidateTrigramDocs: 150_000,
  maxCandidates: 10_000,
  sliceRows: 20_000,
  maxScanRows: 5_000_000,
  statementTimeoutMs: 2_000,
  gate: new SearchGate(2, 8),
  pause: yieldToEventLoop,
};

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
  bounds: SearchBounds = DEFAULT_SEARCH_BOUNDS,
): Promise<TicketCondition> {
  const key = searchTerm(term);
  const digits = PHONE_LIKE.test(term) ? phoneDigits(term) : '';
  const messages = physicalTableName(searchProjection, SEARCH_MESSAGES);
  const contacts = physicalTableName(searchProjection, SEARCH_CONTACTS);
  const tickets = ticketsTable();
  const searched = { db, portalId, term: key, rareHits, bounds };
  const ticketIds = await rareMatches({ ...searched, table: messages, column: 'text_key', select: 'ticket_id' });
  const contactIds = await rareMatches({ ...searched, table: contacts, column: 'name_key', select: 'contact_id' });
  const phone = digits.length >= MIN_PHONE_DIGITS;
  return {
    counted: false,
    // Rare in messages and nowhere else: the tickets are named by id.
    byIds:
      ticketIds !== 'common' && ticketIds.length > 0 && contactIds !== 'common' && contactIds.length === 0 && !phone,
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
 * term exactly (SQLite's index hits are case-folded candidates; LIKE decides). PostgreSQL's search
 * (postgresMatches); on SQLite a search asks lookupCandidates or scans instead.
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
    .where(textCandidates(db, table, column, term, { alias: 'r' }))
    .limit(rareHits + 1);
}

/**
 * The distinct `select` values of the portal's rows whose `column` contains the term; 'common' past
 * `rareHits` of the portal's rows (exact either way). SQLite: the candidates are the rows holding
 * the term's narrowest trigrams, through the FTS5 index, when those are few enough (lookupCandidates);
 * otherwise the portal's rows are scanned in slices, admitted by the gate and bounded by
 * maxScanRows, a number of rowids that depends on the table's size only, never on what other
 * portals wrote. PostgreSQL: through the GIN index under a statement timeout. A 'common' verdict
 * is kept in `bounds.commonTerms`, when given, and answered from there until it expires. Throws
 * SearchBusyError, SearchTooBroadError.
 */
async function rareMatches(search: TextSearch): Promise<string[] | 'common'> {
  const { commonTerms } = search.bounds;
  if (commonTerms?.has(search)) return 'common';
  const found = await freshMatches(search);
  if (found === 'common') commonTerms?.remember(search);
  return found;
}

async function freshMatches(search: TextSearch): Promise<string[] | 'common'> {
  const { db, portalId, table, column, select, term, rareHits, bounds } = search;
  if (isPostgres(db)) {
    return underTimeout(db, bounds.statementTimeoutMs, (trx) =>
      postgresMatches(trx, portalId, table, column, select, term, rareHits),
    );
  }
  const found = (await indexedMatches(search)) ?? (await scannedMatches(search));
  if (found.kind === 'more') return 'common';
  const values = new Set<string>();
  for (const row of found.rows) if (row.portal === portalId && row.value !== null) values.add(row.value);
  return [...values];
}

/** One table's column searched for the portal's rows holding a term. */
interface TextSearch {
  readonly db: ReadDatabase;
  readonly portalId: string;
  readonly table: string;
  readonly column: string;
  /** The column whose value each matching row gives. */
  readonly select: string;
  readonly term: string;
  readonly rareHits: number;
  readonly bounds: SearchBounds;
}

/**
 * SQLite: the portal's matching rows from the candidates the index names (the rows holding the
 * term's narrowest trigrams); null when those are too many to read, so the caller scans.
 */
async function indexedMatches(search: TextSearch): Promise<TextMatches | null> {
  const { db, portalId, table, column, select, term, rareHits, bounds } = search;
  const estimates = await estimateTrigrams(db, table, column, term, {
    sample: bounds.trigramSample,
    probes: bounds.trigramProbes,
    pause: bounds.pause,
    stats: bounds.trigramStats,
  });
  // A trigram in no row: neither is the term.
  if (estimates.some((estimate) => estimate.exact && estimate.docs === 0)) return { kind: 'rows', rows: [] };
  const narrowest = [...estimates].sort((a, b) => a.docs - b.docs).slice(0, Math.max(1, bounds.candidateTrigrams));
  if (narrowest.length === 0) return null;
  // The candidates' walk follows the narrowest trigram's rows: they are counted, no further than
  // the bound, rather than trusting an estimate (a trigram written mostly long ago looks rarer
  // from its newest rows than it is, and one written mostly of late commoner). Estimated past
  // candidateTrigramDocs, they are counted only up to maxCandidates: few enough to read whatever
  // the other trigrams, and a common term costs no more than about a millisecond here.
  // A count remembered (bounds.trigramStats) with the rows written since is an upper bound: within
  // the bound, it needs no count.
  const bound = narrowest[0].docs > bounds.candidateTrigramDocs ? bounds.maxCandidates : bounds.candidateTrigramDocs;
  const known = narrowest[0].exact || (narrowest[0].atMost === true && narrowest[0].docs <= bound);
  const docs = known ? narrowest[0].docs : await countNarrowest(search, narrowest[0].trigram, bound);
  if (docs > bound) return null;
  await bounds.pause();
  const found = await lookupCandidates(db, table, column, select, term, {
    portalId,
    trigrams: narrowest.map((estimate) => estimate.trigram),
    maxCandidates: bounds.maxCandidates,
    upTo: rareHits + 1,
  });
  return found.kind === 'too-many' ? null : found;
}

/** Counts the trigram's rows up to `bound` + 1; an exact count (within the bound) is remembered. */
async function countNarrowest(search: TextSearch, trigram: string, bound: number): Promise<number> {
  const { db, table, column, bounds } = search;
  const high = bounds.trigramStats ? await rowidSpan(db, table) : null;
  const docs = await countTrigramRows(db, table, column, trigram, bound + 1);
  if (high && docs <= bound) bounds.trigramStats?.remember(table, column, { trigram, docs, exact: true }, high.high);
  return docs;
}

/** SQLite: the portal's matching rows by a scan in slices, admitted by the gate. */
async function scannedMatches(search: TextSearch): Promise<TextMatches> {
  const { db, portalId, table, column, select, term, rareHits, bounds } = search;
  const release = await bounds.gate.admit();
  let scanned;
  try {
    scanned = await scanContains(db, table, column, select, term, {
      portalId,
      sliceRows: bounds.sliceRows,
      maxRows: bounds.maxScanRows,
      upTo: rareHits + 1,
      pause: bounds.pause,
    });
  } finally {
    release();
  }
  if (scanned.kind === 'over-budget') throw new SearchTooBroadError();
  return scanned;
}

/**
 * PostgreSQL: the index's rows counted and the portal's exact values gathered in one statement.
 * The GIN index's bitmap is built whole for any statement, so a count first and the rows after
 * built it twice (a rare phrase of common words at 3M rows: 2.5 s, now 1.3 s), and only one row
 * comes back however common the term.
 */
async function postgresMatches(
  db: ReadDatabase,
  portalId: string,
  table: string,
  column: string,
  select: string,
  term: string,
  rareHits: number,
): Promise<string[] | 'common'> {
  const matches = textMatchesQuery(db, table, column, select, term, rareHits);
  const { rows } = await sql<{ hits: string | number; found: (string | null)[] | null }>`SELECT count(*) AS hits,
      array_agg(DISTINCT m.value) FILTER (WHERE m.portal = ${portalId} AND m.exact AND m.value IS NOT NULL) AS found
    FROM (${matches}) AS m`.execute(db);
  if (Number(rows[0].hits) > rareHits) return 'common';
  return (rows[0].found ?? []).filter((value): value is string => value !== null);
}

/** PostgreSQL's code for a statement cancelled by statement_timeout. */
const QUERY_CANCELED = '57014';

/** `work` in a transaction whose statements PostgreSQL cancels after `ms`: SearchTooBroadError then. */
export async function underTimeout<T>(
  db: ReadDatabase,
  ms: number,
  work: (trx: ReadDatabase) => Promise<T>,
): Promise<T> {
  const bounded = async (trx: ReadDatabase) => {
    await sql`SET LOCAL statement_timeout = ${sql.lit(Math.max(1, Math.floor(ms)))}`.execute(trx);
    return work(trx);
  };
  try {
    // Inside a caller's transaction, SET LOCAL would outlive the search: a savepoint is not enough.
    if (db.isTransaction) return await work(db);
    return await db.transaction().execute(bounded);
  } catch (error) {
    if ((error as { code?: unknown }).code === QUERY_CANCELED) throw new SearchTooBroadError();
    throw error;
  }
}
