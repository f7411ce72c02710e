import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import { type Projection, physicalTableName } from './projection.js';
import { type ReadDatabase, isPostgres, textIndexName } from './read-model-schema.js';
import type { TrigramStats } from './trigram-stats.js';

/** A trigram index finds substrings of at least this many characters; shorter ones it cannot narrow. */
export const MIN_TEXT_INDEX_TERM = 3;

const ESCAPE = '!';

/** `%term%` with LIKE's wildcards taken literally, so `50%` finds "50%" and `a_b` finds "a_b" only. */
export function containsPattern(term: string): string {
  return `%${term.replace(/[!%_]/g, (character) => `${ESCAPE}${character}`)}%`;
}

/** Both read stores take the same ESCAPE clause; SQLite has no default escape character. */
export function likeContains(column: Expression<unknown> | string, term: string): RawBuilder<SqlBool> {
  const ref = typeof column === 'string' ? sql.ref(column) : column;
  return sql<SqlBool>`${ref} like ${containsPattern(term)} escape ${sql.lit(ESCAPE)}`;
}

/**
 * An FTS5 query that is one phrase, the term itself: double quotes doubled inside, so operators
 * (OR, AND, NOT, NEAR), prefixes (`*`), column filters (`col:`) and `^` are plain text in it.
 * On a trigram table a phrase is a substring match.
 */
export function ftsPhrase(term: string): string {
  return `"${term.replace(/"/g, '""')}"`;
}

export interface CandidateOptions {
  /** The table's alias (or name) in the query, to qualify its columns. */
  readonly alias: string;
}

/**
 * Narrows a physical table to rows whose `column` (declared in its `textIndexes`) may contain
 * `term`, taken literally (no wildcards, no query syntax), through the column's trigram index.
 * `term` must have at least MIN_TEXT_INDEX_TERM characters: shorter ones would read every row.
 *
 * SQLite: the FTS5 `trigram` table's hits (a case-folded substring match, a superset of LIKE's on
 * the lower-cased keys the projections store): add `likeContains` for the exact answer.
 * PostgreSQL: LIKE itself, which the GIN `gin_trgm_ops` index serves and rechecks, when the planner
 * finds it cheaper than reading the rows.
 */
export function textCandidates(
  db: ReadDatabase,
  table: string,
  column: string,
  term: string,
  options: CandidateOptions,
): Expression<SqlBool> {
  if ([...term].length < MIN_TEXT_INDEX_TERM)
    throw new RangeError(`a text index needs at least ${MIN_TEXT_INDEX_TERM} characters to search for`);
  if (isPostgres(db)) return likeContains(sql.ref(`${options.alias}.${column}`), term);
  const index = sql.table(textIndexName(table, column));
  return sql<SqlBool>`${sql.ref(`${options.alias}.rowid`)} IN (SELECT rowid FROM ${index} WHERE ${index} MATCH ${ftsPhrase(term)})`;
}

/**
 * SQLite: the FTS5 hits for `term` as a FROM item, `alias`(hit) holding each candidate row's
 * rowid, read one by one in rowid order. Put first in a CROSS JOIN, it drives the query: a LIMIT
 * then stops reading hits, where `rowid IN (…)` reads every hit into a set first.
 */
export function textHits(db: ReadDatabase, table: string, column: string, term: string, alias: string) {
  if (isPostgres(db)) throw new Error('textHits is SQLite FTS5 only: PostgreSQL reads a GIN index whole');
  if ([...term].length < MIN_TEXT_INDEX_TERM)
    throw new RangeError(`a text index needs at least ${MIN_TEXT_INDEX_TERM} characters to search for`);
  const index = sql.table(textIndexName(table, column));
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- joined to tables of any read model
  return sql<any>`(SELECT rowid AS hit FROM ${index} WHERE ${index} MATCH ${ftsPhrase(term)})`.as(alias);
}

/** One row as its text index holds it: its id and, on SQLite, the trigrams the FTS5 table has for it. */
export interface TextIndexEntry {
  readonly id: string;
  readonly indexed: string;
}

/**
 * What each text index of the projection's live tables holds, by `table.column`, in id order:
 * independent of rowids, so a rebuilt read model can be compared with the live one. On SQLite,
 * each row's distinct trigrams as the FTS5 table has them (read through an `fts5vocab` table);
 * on PostgreSQL, where the GIN index is the server's business, each indexed row's value.
 */
export async function snapshotTextIndexes(
  db: ReadDatabase,
  projection: Pick<Projection, 'name' | 'version' | 'tables'>,
): Promise<Record<string, TextIndexEntry[]>> {
  const snapshot: Record<string, TextIndexEntry[]> = {};
  for (const table of projection.tables) {
    const name = physicalTableName(projection, table.name);
    for (const column of table.textIndexes ?? []) {
      let rows: TextIndexEntry[];
      if (isPostgres(db)) {
        ({ rows } =
          await sql<TextIndexEntry>`SELECT id, ${sql.ref(column)} AS indexed FROM ${sql.table(name)} WHERE ${sql.ref(column)} IS NOT NULL ORDER BY id`.execute(
            db,
          ));
      } else {
        const vocabulary = sql.table(`temp.${textIndexName(name, column)}_vocabulary`);
        await sql`CREATE VIRTUAL TABLE IF NOT EXISTS ${vocabulary} USING fts5vocab(main, ${sql.lit(textIndexName(name, column))}, 'instance')`.execute(
          db,
        );
        try {
          ({ rows } = await sql<TextIndexEntry>`SELECT b.id AS id, group_concat(v.term, '|' ORDER BY v.term) AS indexed
            FROM (SELECT DISTINCT doc, term FROM ${vocabulary}) v JOIN ${sql.table(name)} b ON b.rowid = v.doc
            GROUP BY b.id ORDER BY b.id`.execute(db));
        } finally {
          await sql`DROP TABLE ${vocabulary}`.execute(db);
        }
      }
      snapshot[`${table.name}.${column}`] = rows.map((row) => ({ id: String(row.id), indexed: String(row.indexed) }));
    }
  }
  return snapshot;
}

/** estimateTrigrams gives the event loop back after this many probes. */
export const PROBES_PER_PAUSE = 8;

/** The distinct trigrams of `term` (by code point), as an FTS5 `trigram` table indexes them. */
export function trigramsOf(term: string): string[] {
  const characters = [...term];
  const trigrams = new Set<string>();
  for (let at = 0; at + MIN_TEXT_INDEX_TERM <= characters.length; at++)
    trigrams.add(characters.slice(at, at + MIN_TEXT_INDEX_TERM).join(''));
  return [...trigrams];
}

/** How many rows (any portal) hold one trigram of a term. */
export interface TrigramEstimate {
  readonly trigram: string;
  readonly docs: number;
  /** Counted (fewer rows than the sample); otherwise estimated from the sample's rowid span. */
  readonly exact: boolean;
  /** Not exact, but no more than `docs`: a count remembered (TrigramStats) plus the rows written since. */
  readonly atMost?: boolean;
}

/**
 * SQLite: for each of the term's first `probes` trigrams, how many rows hold it, from its newest
 * `sample` rows in the FTS5 table (a fraction of a millisecond each, whatever the table's size):
 * fewer than `sample` is the count; otherwise the count is estimated as the sample's density over
 * the rowid span it covers, times the table's span. Stops at a trigram no row holds (the term is
 * then in no row). `pause` runs between every PROBES_PER_PAUSE probes.
 */
export async function estimateTrigrams(
  db: ReadDatabase,
  table: string,
  column: string,
  term: string,
  options: {
    readonly sample: number;
    readonly probes: number;
    readonly pause: () => Promise<void>;
    /** What earlier probes and counts found: a trigram it recalls is not probed again. */
    readonly stats?: TrigramStats;
  },
): Promise<TrigramEstimate[]> {
  if (isPostgres(db)) throw new Error('estimateTrigrams is SQLite FTS5 only');
  const index = sql.table(textIndexName(table, column));
  const sample = Math.max(1, Math.floor(options.sample));
  const span = await rowidSpan(db, table);
  if (span === null) return trigramsOf(term).map((trigram) => ({ trigram, docs: 0, exact: true }));
  const estimates: TrigramEstimate[] = [];
  let probes = 0;
  for (const trigram of trigramsOf(term).slice(0, options.probes)) {
    const recalled = options.stats?.recall(table, column, trigram, span.high);
    if (recalled) {
      estimates.push(recalled);
      if (recalled.exact && recalled.docs === 0) break;
      continue;
    }
    // A probe reads at most `sample` index entries: pausing after each cost more than the probe.
    if (probes > 0 && probes % PROBES_PER_PAUSE === 0) await options.pause();
    probes++;
    const { rows } = await sql<{
      n: number;
      low: number | null;
    }>`SELECT count(*) AS n, min(hit) AS low FROM (SELECT rowid AS hit FROM ${index} WHERE ${index} MATCH ${ftsPhrase(trigram)} ORDER BY rowid DESC LIMIT ${sql.lit(sample)})`.execute(
      db,
    );
    const n = Number(rows[0].n);
    const covered = span.high - Number(rows[0].low) + 1;
    const estimate =
      n < sample
        ? { trigram, docs: n, exact: true }
        : { trigram, docs: Math.ceil((n * (span.high - span.low + 1)) / covered), exact: false };
    options.stats?.remember(table, column, estimate, span.high);
    estimates.push(estimate);
    if (estimate.exact && estimate.docs === 0) break;
  }
  return estimates;
}

/**
 * SQLite: how many rows hold `trigram`, counted from the FTS5 table no further than `upTo`, in
 * rowid order (about 1.7 times cheaper than newest first, which estimateTrigrams needs).
 */
export async function countTrigramRows(
  db: ReadDatabase,
  table: string,
  column: string,
  trigram: string,
  upTo: number,
): Promise<number> {
  if (isPostgres(db)) throw new Error('countTrigramRows is SQLite FTS5 only');
  const index = sql.table(textIndexName(table, column));
  const { rows } = await sql<{
    n: number;
  }>`SELECT count(*) AS n FROM (SELECT rowid FROM ${index} WHERE ${index} MATCH ${ftsPhrase(trigram)} LIMIT ${sql.lit(Math.max(0, Math.floor(upTo)))})`.execute(
    db,
  );
  return Number(rows[0].n);
}

/** The table's lowest and highest rowid; null when it is empty. */
export async function rowidSpan(db: ReadDatabase, table: string): Promise<{ low: number; high: number } | null> {
  const base = sql.table(table);
  const { rows } = await sql<{
    low: number | null;
    high: number | null;
    // Two subqueries: SQLite reads one end of the b-tree for each, where min() and max() in one SELECT scan it.
  }>`SELECT (SELECT min(rowid) FROM ${base}) AS low, (SELECT max(rowid) FROM ${base}) AS high`.execute(db);
  const { low, high } = rows[0];
  return low === null || high === null ? null : { low: Number(low), high: Number(high) };
}

export interface CandidateLookup {
  /** The portal whose rows are answered; other portals' rows are read as candidates only. */
  readonly portalId: string;
  /** Trigrams of the term (its narrowest): a row holding the term holds every one of them. */
  readonly trigrams: readonly string[];
  /** Past this many candidate rows (any portal) the lookup gives up with 'too-many', reading no row. */
  readonly maxCandidates: number;
  /** The lookup stops with 'more' once it has found this many of the portal's rows. */
  readonly upTo: number;
}

/**
 * SQLite: the portal's rows of `table` whose `column` contains `term` exactly, through the FTS5
 * table: the candidates are the rows holding every one of `trigrams` (an AND of single trigrams,
 * which FTS5 answers by walking the narrowest doclist and skipping through the others, with no
 * position checks), taken from the index alone first (their rowids, maxCandidates + 1 at most);
 * each is then read by rowid and checked with LIKE. A phrase of every trigram instead checked
 * positions in every row holding them all (about a second at 3M rows for a rare phrase of common
 * words). The index is walked once: counting the candidates, then joining the same walk to the
 * rows, walked it twice (about 1.9 ms each for the bench's rare phrase at 3M rows).
 */
export async function lookupCandidates(
  db: ReadDatabase,
  table: string,
  column: string,
  select: string,
  term: string,
  options: CandidateLookup,
): Promise<TextMatches | { readonly kind: 'too-many' }> {
  if (isPostgres(db)) throw new Error('lookupCandidates is SQLite FTS5 only');
  const index = sql.table(textIndexName(table, column));
  const match = options.trigrams.map(ftsPhrase).join(' AND ');
  const examine = Math.max(0, Math.floor(options.maxCandidates));
  const { rows: candidates } = await sql<{
    hit: number;
  }>`SELECT rowid AS hit FROM ${index} WHERE ${index} MATCH ${match} LIMIT ${sql.lit(examine + 1)}`.execute(db);
  if (candidates.length > examine) return { kind: 'too-many' };
  if (candidates.length === 0) return { kind: 'rows', rows: [] };
  const upTo = Math.max(1, Math.floor(options.upTo));
  // Rowids in ascending order (FTS5's), so the rows are read in the b-tree's order.
  const hits = JSON.stringify(candidates.map((candidate) => Number(candidate.hit)));
  const { rows } = await sql<ScannedRow>`SELECT r.${sql.ref(select)} AS value, r.portal_id AS portal
    FROM json_each(${hits}) AS h CROSS JOIN ${sql.table(table)} AS r
    WHERE r.rowid = h.value AND r.portal_id = ${options.portalId} AND ${likeContains(sql.ref(`r.${column}`), term)}
    LIMIT ${sql.lit(upTo)}`.execute(db);
  return rows.length >= upTo ? { kind: 'more' } : { kind: 'rows', rows };
}

export interface ScanOptions {
  /** Only this portal's rows are read and counted: what one portal finds never depends on another's rows. */
  readonly portalId: string;
  /** Rowids read per statement (a slice): each slice is a range read of the table's b-tree. */
  readonly sliceRows: number;
  /** Rowids a scan may read in all; past them it stops with 'over-budget'. */
  readonly maxRows: number;
  /** The scan stops with 'more' once it has found this many rows. */
  readonly upTo: number;
  /** Runs between slices: gives the event loop back to every other request. */
  readonly pause: () => Promise<void>;
}

export interface ScannedRow {
  readonly value: string | null;
  readonly portal: string;
}

/** A portal's matching rows, or 'more' once they passed the number asked for. */
export type TextMatches = { readonly kind: 'rows'; readonly rows: readonly ScannedRow[] } | { readonly kind: 'more' };

export type ScanResult = TextMatches | { readonly kind: 'over-budget' };

/**
 * SQLite: the portal's rows of `table` whose `column` contains `term` exactly (LIKE), newest
 * rowid first, read in slices of `sliceRows` rowids with `pause` between them, so no statement
 * holds the (synchronous) connection and the event loop for long. Rows written during the scan
 * above its first rowid are not read, as if the scan had been one statement begun at its start.
 */
/**
 * One slice of a scan: the rows of a rowid range. `+portal_id` keeps SQLite on the rowid range:
 * without ANALYZE statistics it prefers the (portal_id, ...) index, which reads every row of the
 * portal for every slice (a rare phrase at 3M rows took 60 s instead of a few hundred ms).
 */
export function scanSlice(
  table: string,
  column: string,
  select: string,
  term: string,
  portalId: string,
  bottom: number,
  top: number,
  limit: number,
) {
  return sql<ScannedRow>`SELECT ${sql.ref(select)} AS value, portal_id AS portal FROM ${sql.table(table)}
      WHERE rowid BETWEEN ${bottom} AND ${top} AND +portal_id = ${portalId} AND ${likeContains(sql.ref(column), term)}
      LIMIT ${sql.lit(limit)}`;
}

export async function scanContains(
  db: ReadDatabase,
  table: string,
  column: string,
  select: string,
  term: string,
  options: ScanOptions,
): Promise<ScanResult> {
  if (isPostgres(db)) throw new Error('scanContains is SQLite only: PostgreSQL bounds a statement with a timeout');
  const span = await rowidSpan(db, table);
  if (span === null) return { kind: 'rows', rows: [] };
  const { low, high } = span;
  const slice = Math.max(1, Math.floor(options.sliceRows));
  const found: ScannedRow[] = [];
  let read = 0;
  for (let top = high; top >= low; top -= slice) {
    const bottom = Math.max(low, top - slice + 1);
    if (read + (top - bottom + 1) > options.maxRows) return { kind: 'over-budget' };
    if (read > 0) await options.pause();
    read += top - bottom + 1;
    const { rows } = await scanSlice(
      table,
      column,
      select,
      term,
      options.portalId,
      bottom,
      top,
      options.upTo - found.length,
    ).execute(db);
    found.push(...rows);
    if (found.length >= options.upTo) return { kind: 'more' };
  }
  return { kind: 'rows', rows: found };
}
