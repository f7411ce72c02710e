import type { SearchLimitsConfig } from './app-config.js';
import { integer } from './edge-limits-config.js';

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * What one ticket search may cost (apps/api/src/view/search-limits.ts). A term whose trigrams are
 * all common is not looked up in the text index (one statement, about 1 s of CPU at 3M messages on
 * SQLite) but scanned in slices that give the event loop back; these bound the scans.
 */
export const SEARCH_LIMIT_DEFAULTS = {
  /**
   * SEARCH_MAX_SCAN_ROWS: rows of the search table one scan may read (SQLite); past that the search
   * is refused as SEARCH_TOO_BROAD. 5M is about 0.7 s of CPU on a loaded 2-core machine, read in
   * slices of 20,000 rows.
   */
  maxScanRows: 5_000_000,
  /** SEARCH_MAX_CONCURRENT: scans running at once in this process (SQLite). */
  maxConcurrent: 2,
  /** SEARCH_MAX_WAITING: scans waiting for their turn; past that a search is refused as SEARCH_BUSY. */
  maxWaiting: 8,
  /** SEARCH_STATEMENT_TIMEOUT_MS: PostgreSQL cancels a search's index lookup after this (SEARCH_TOO_BROAD). */
  statementTimeoutMs: 2_000,
} as const;

export function searchLimitsConfigFrom(env: Environment, problems: string[]): SearchLimitsConfig {
  const d = SEARCH_LIMIT_DEFAULTS;
  return {
    maxScanRows: integer(env, 'SEARCH_MAX_SCAN_ROWS', d.maxScanRows, 1, problems),
    maxConcurrent: integer(env, 'SEARCH_MAX_CONCURRENT', d.maxConcurrent, 1, problems),
    maxWaiting: integer(env, 'SEARCH_MAX_WAITING', d.maxWaiting, 0, problems),
    statementTimeoutMs: integer(env, 'SEARCH_STATEMENT_TIMEOUT_MS', d.statementTimeoutMs, 1, problems),
  };
}
