import type { Database, Statement } from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/** Enough for every statement the projections and the API's queries run; `IN (…)` lists of many sizes cycle out. */
const DEFAULT_CAPACITY = 1_000;

/**
 * better-sqlite3 for Kysely's SQLite dialect with its statements kept by SQL text: Kysely's driver
 * calls `prepare` for every query, and preparing costs more than running most of them. A kept
 * statement stays valid across schema changes (a blue/green table swap, a dropped index): SQLite
 * prepares it again from its text when the schema moved. Kysely runs one statement at a time on
 * the one connection; a statement still busy (an open `stream()` of the same SQL) is not reused.
 */
export function withStatementCache(database: Database, capacity = DEFAULT_CAPACITY): SqliteDatabase {
  const statements = new Map<string, Statement<unknown[]>>();
  return {
    close: () => void database.close(),
    prepare(sql: string) {
      const kept = statements.get(sql);
      if (kept?.busy) return database.prepare(sql);
      if (kept) {
        // Least recently used first: move it to the end.
        statements.delete(sql);
        statements.set(sql, kept);
        return kept;
      }
      const statement = database.prepare<unknown[]>(sql);
      statements.set(sql, statement);
      if (statements.size > capacity) statements.delete(statements.keys().next().value!);
      return statement;
    },
  };
}
