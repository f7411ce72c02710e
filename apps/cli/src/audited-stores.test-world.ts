import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EventStore, openSqliteEventStore } from '@helpdesk/event-store';
import { connectEventStoreDB } from '@helpdesk/event-store/eventstoredb/index.js';
import { startInProcessEventStoreDB } from '../../../test/esdb-server/index.js';
import type { Clock } from '@helpdesk/commands/shared/clock.js';

/** One fresh, empty event store an auditor's command runs against, and how to reach it. */
export interface AuditedStore {
  /** A scratch directory, removed by `dispose`: the CLI's DATA_DIR (its auth secret, the embedded store), export files. */
  readonly dir: string;
  /** What `helpdesk` is started with to use this store. */
  readonly env: Readonly<Record<string, string>>;
  /** A new connection of the test's own; events appended through it are stamped with the clock given to `open`. */
  connect(): EventStore;
  dispose(): Promise<void>;
}

/** An adapter the auditor commands are tested on. */
export interface AuditedStoreKind {
  readonly name: string;
  /** `clock` stamps the events' `created`, so an as-of cut falls where the test puts it. */
  open(clock: Clock): Promise<AuditedStore>;
}

const epochMs = (clock: Clock) => () => clock.now().getTime();

/** The embedded SQLite store in DATA_DIR, as the CLI opens it by default. */
export const embeddedStore: AuditedStoreKind = {
  name: 'embedded SQLite',
  async open(clock) {
    const dir = mkdtempSync(join(tmpdir(), 'auditor-sqlite-'));
    return {
      dir,
      env: { DATA_DIR: dir },
      connect: () => openSqliteEventStore({ dataDir: dir, now: epochMs(clock) }),
      dispose: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

/** EventStoreDB through the official client, served by the in-process gRPC server (its log stamps with `clock`). */
export const inProcessEventStoreDB: AuditedStoreKind = {
  name: 'EventStoreDB (in-process gRPC)',
  async open(clock) {
    const dir = mkdtempSync(join(tmpdir(), 'auditor-esdb-'));
    const server = await startInProcessEventStoreDB({ now: epochMs(clock) });
    return {
      dir,
      env: { DATA_DIR: dir, EVENTSTORE_URL: server.connectionString },
      connect: () => connectEventStoreDB(server.connectionString),
      async dispose() {
        try {
          await server.shutdown();
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  },
};

/** Both adapters: the auditor commands must work the same on each. */
export const AUDITED_STORE_KINDS: readonly AuditedStoreKind[] = [embeddedStore, inProcessEventStoreDB];
