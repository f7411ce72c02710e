import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReadStore } from './read-store.js';

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
