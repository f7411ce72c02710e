import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventStore } from '@helpdesk/event-store';

export interface OpenedStore {
  readonly store: EventStore;
  dispose(): Promise<void>;
}

/**
 * One adapter the contract suite runs against. `setUp`/`tearDown` run once per test file,
 * `open` once per test. Every contract test works on a shared, non-empty store (unique stream
 * names, `$all` looked at only from a mark taken at the start of the test).
 */
export interface StoreUnderTest {
  readonly name: string;
  readonly adapter: 'sqlite' | 'eventstoredb';
  setUp(): Promise<void>;
  tearDown(): Promise<void>;
  open(): Promise<OpenedStore>;
}

/** Fresh temp data dir per test, removed afterwards. */
export function sqliteStore(): StoreUnderTest {
  return {
    name: 'sqlite',
    adapter: 'sqlite',
    setUp: async () => undefined,
    tearDown: async () => undefined,
    async open() {
      const { openSqliteEventStore } = await import('@helpdesk/event-store');
      const dataDir = mkdtempSync(join(tmpdir(), 'contract-sqlite-'));
      const store = openSqliteEventStore({ dataDir });
      return {
        store,
        async dispose() {
          try {
            await store.close();
          } finally {
            rmSync(dataDir, { recursive: true, force: true });
          }
        },
      };
    },
  };
}

/** One in-process gRPC server per test file, one client per test. */
export function inProcessEventStoreDB(): StoreUnderTest {
  let server: { connectionString: string; shutdown(): Promise<void> } | undefined;
  return {
    name: 'eventstoredb (in-process gRPC)',
    adapter: 'eventstoredb',
    async setUp() {
      const { startInProcessEventStoreDB } = await import('../esdb-server/index.js');
      server = await startInProcessEventStoreDB();
    },
    async tearDown() {
      await server?.shutdown();
      server = undefined;
    },
    async open() {
      if (!server) throw new Error('in-process EventStoreDB not started');
      const { connectEventStoreDB } = await import('../../libs/event-store/src/eventstoredb/index.js');
      const store = connectEventStoreDB(server.connectionString);
      return { store, dispose: () => store.close() };
    },
  };
}

/** A real, shared EventStoreDB: `EVENTSTORE_TEST_URL=esdb://localhost:2113?tls=false`. */
export function realEventStoreDB(connectionString: string): StoreUnderTest {
  return {
    name: 'eventstoredb (real server)',
    adapter: 'eventstoredb',
    setUp: async () => undefined,
    tearDown: async () => undefined,
    async open() {
      const { connectEventStoreDB } = await import('../../libs/event-store/src/eventstoredb/index.js');
      const store = connectEventStoreDB(connectionString);
      return { store, dispose: () => store.close() };
    },
  };
}

/**
 * The adapters every contract case runs on. `CONTRACT_STORES=sqlite` (comma-separated substrings
 * of the names) narrows the list, e.g. while one adapter is being written.
 */
export function storesUnderTest(): StoreUnderTest[] {
  const all = [sqliteStore(), inProcessEventStoreDB()];
  const url = process.env.EVENTSTORE_TEST_URL;
  if (url) all.push(realEventStoreDB(url));
  const only = process.env.CONTRACT_STORES?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return only?.length ? all.filter((s) => only.some((o) => s.name.includes(o))) : all;
}
