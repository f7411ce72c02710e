import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventStore, type SqliteEventStore } from '@helpdesk/event-store';

export interface TemporarySqliteStore {
  /** The store of the test that is running. */
  readonly current: SqliteEventStore;
}

/**
 * Registers the hooks that give every test of the enclosing `describe` an embedded store in a
 * fresh temporary directory named after `prefix`, closed and removed after the test.
 */
export function useTemporarySqliteStore(prefix: string): TemporarySqliteStore {
  let opened: { dataDir: string; store: SqliteEventStore } | undefined;

  beforeEach(() => {
    const dataDir = mkdtempSync(join(tmpdir(), prefix));
    opened = { dataDir, store: openSqliteEventStore({ dataDir }) };
  });

  afterEach(async () => {
    const done = opened;
    opened = undefined;
    if (!done) return;
    try {
      await done.store.close();
    } finally {
      rmSync(done.dataDir, { recursive: true, force: true });
    }
  });

  return {
    get current(): SqliteEventStore {
      if (!opened) throw new Error('no temporary store: used outside a test');
      return opened.store;
    },
  };
}
