import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import { type ReadDatabase, isPostgres, textIndexName } from './read-model-schema.js';

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
  /**
   * SQLite: at most this many of the FTS5 table's hits are taken, so a caller seeing this many
   * rows knows the term is common without reading every hit. PostgreSQL: the caller's LIMIT does.
   */
  readonly examine?: number;
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
  const limit = options.examine === undefined ? sql`` : sql` LIMIT ${sql.lit(Math.floor(options.examine))}`;
  return sql<SqlBool>`${sql.ref(`${options.alias}.rowid`)} IN (SELECT rowid FROM ${index} WHERE ${index} MATCH ${ftsPhrase(term)}${limit})`;
}
