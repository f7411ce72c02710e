import type { Database } from 'better-sqlite3';

/**
 * WAL with synchronous=FULL: a commit returns only after the WAL is fsynced,
 * so an acknowledged append survives kill -9 and power loss.
 */
export function prepareDatabase(db: Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  // A lock held by another process must surface as "unavailable" quickly, not hang the event loop.
  db.pragma('busy_timeout = 250');
  db.exec(`
    CREATE TABLE IF NOT EXISTS events (
      position INTEGER PRIMARY KEY AUTOINCREMENT,
      stream   TEXT    NOT NULL,
      revision INTEGER NOT NULL,
      id       TEXT    NOT NULL,
      type     TEXT    NOT NULL,
      data     TEXT    NOT NULL,
      metadata TEXT    NOT NULL,
      created  INTEGER NOT NULL,
      UNIQUE (stream, revision)
    );
    CREATE TABLE IF NOT EXISTS streams (
      name              TEXT PRIMARY KEY,
      last_revision     INTEGER,
      state             TEXT NOT NULL DEFAULT 'live' CHECK (state IN ('live', 'soft_deleted', 'tombstoned')),
      deleted_before    INTEGER,
      metadata          TEXT,
      metadata_revision INTEGER
    ) WITHOUT ROWID;
  `);
}
