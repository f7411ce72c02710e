import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { ReadStore, forWriting } from './read-store.js';

const postgresUrl = process.env.READ_STORE_TEST_URL;
if (!postgresUrl) {
  console.warn('READ_STORE_TEST_URL is not set: the PostgreSQL read-store test is skipped.');
}

describe('ReadStore', () => {
  it('opens SQLite under the data directory and reports healthy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'read-store-'));
    const store = ReadStore.open({ dialect: 'sqlite', file: join(dir, 'nested', 'read.sqlite') });
    await expect(store.health()).resolves.toEqual({ dialect: 'sqlite', healthy: true });
    await store.close();
    rmSync(dir, { recursive: true });
  });

  it("gives each SQLite connection the configured page cache, and better-sqlite3's default without one", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'read-store-'));
    const cacheOf = async (store: ReadStore) => {
      const { rows } = await sql<{ cache_size: number }>`PRAGMA cache_size`.execute(store.db);
      await store.close();
      return rows[0].cache_size;
    };
    // Negative: KiB.
    expect(await cacheOf(ReadStore.open({ dialect: 'sqlite', file: join(dir, 'a.sqlite'), cacheMiB: 64 }))).toBe(
      -65_536,
    );
    // better-sqlite3 builds SQLite with SQLITE_DEFAULT_CACHE_SIZE=-16000 (SQLite's own is -2000).
    expect(await cacheOf(ReadStore.open({ dialect: 'sqlite', file: join(dir, 'b.sqlite') }))).toBe(-16_000);
    // The projector and the CLI write: the configured cache is the API's.
    const configured = { dialect: 'sqlite', file: join(dir, 'c.sqlite'), cacheMiB: 64 } as const;
    expect(await cacheOf(ReadStore.open(forWriting(configured)))).toBe(-16_000);
    const postgres = { dialect: 'postgres', connectionString: 'postgres://x@127.0.0.1/db' } as const;
    expect(forWriting(postgres)).toBe(postgres);
    rmSync(dir, { recursive: true });
  });

  it('reports an unreachable PostgreSQL as unhealthy instead of throwing', async () => {
    const store = ReadStore.open({ dialect: 'postgres', connectionString: 'postgres://nobody@127.0.0.1:1/none' });
    const health = await store.health();
    expect(health.healthy).toBe(false);
    expect(health.detail).toMatch(/ECONNREFUSED|connect/);
    await store.close();
  });

  (postgresUrl ? it : it.skip)('connects to the configured PostgreSQL (READ_STORE_TEST_URL)', async () => {
    const store = ReadStore.open({ dialect: 'postgres', connectionString: postgresUrl! });
    await expect(store.health()).resolves.toEqual({ dialect: 'postgres', healthy: true });
    await store.close();
  });
});
