import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Pool } from 'pg';
import type { ReadStoreConfig } from '@helpdesk/config';
import { withStatementCache } from './statement-cache.js';

export interface ReadStoreHealth {
  readonly dialect: ReadStoreConfig['dialect'];
  readonly healthy: boolean;
  readonly detail?: string;
}

/**
 * The configuration for a process that writes read models rather than serving reads (the projector,
 * the CLI's rebuilds): better-sqlite3's default page cache. A 64 MiB one rebuilt 1M events no faster
 * (21.2–22.3 s against 21.2–22.9 s) and took 40–50 MiB more.
 */
export function forWriting(config: ReadStoreConfig): ReadStoreConfig {
  return config.dialect === 'sqlite' ? { dialect: 'sqlite', file: config.file } : config;
}

/** The SQL database the projections write and the API reads: SQLite by default, PostgreSQL when configured. */
export class ReadStore<Schema = unknown> {
  private constructor(
    readonly db: Kysely<Schema>,
    readonly dialect: ReadStoreConfig['dialect'],
    /** SQLite: the database file, whose `-wal` file every commit (this process's or another's) writes. */
    readonly file?: string,
  ) {}

  static open<Schema = unknown>(config: ReadStoreConfig): ReadStore<Schema> {
    if (config.dialect === 'postgres') {
      const pool = new Pool({ connectionString: config.connectionString, max: 10, connectionTimeoutMillis: 5000 });
      return new ReadStore(new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) }), 'postgres');
    }
    mkdirSync(dirname(config.file), { recursive: true });
    const database = new Database(config.file);
    // Read models can always be rebuilt from the event store, so they need WAL but not a full fsync per commit.
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    // The API, the projector and an operator's rebuild may write the same file: wait for the lock, do not fail.
    database.pragma('busy_timeout = 10000');
    // Negative: KiB. SQLite drops the cache whenever another connection has committed since, so it
    // only helps between writes; measured in BENCHMARKS.md (queries at 1M tickets).
    if (config.cacheMiB !== undefined) database.pragma(`cache_size = -${Math.floor(config.cacheMiB) * 1024}`);
    return new ReadStore(
      new Kysely<Schema>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) }),
      'sqlite',
      config.file,
    );
  }

  async health(): Promise<ReadStoreHealth> {
    try {
      await sql`SELECT 1`.execute(this.db);
      return { dialect: this.dialect, healthy: true };
    } catch (error) {
      return { dialect: this.dialect, healthy: false, detail: (error as Error).message };
    }
  }

  close(): Promise<void> {
    return this.db.destroy();
  }
}
