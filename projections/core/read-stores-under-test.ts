import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { ReadStore } from '@helpdesk/read-store';

export interface ReadStoreUnderTest {
  readonly name: string;
  open(): Promise<{ readStore: ReadStore; dispose(): Promise<void> }>;
}

const postgresUrl = process.env.READ_STORE_TEST_URL;
if (!postgresUrl)
  console.warn('READ_STORE_TEST_URL is not set: projection tests run on SQLite only, PostgreSQL is skipped.');

/** SQLite always; PostgreSQL when READ_STORE_TEST_URL is set (CI sets it), each test in its own schema. */
export function readStoresUnderTest(): ReadStoreUnderTest[] {
  const sqlite: ReadStoreUnderTest = {
    name: 'sqlite',
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'read-store-'));
      const readStore = ReadStore.open({ dialect: 'sqlite', file: join(dir, 'read.sqlite') });
      return {
        readStore,
        dispose: async () => (await readStore.close(), rmSync(dir, { recursive: true, force: true })),
      };
    },
  };
  if (!postgresUrl) return [sqlite];
  const postgres: ReadStoreUnderTest = {
    name: 'postgres',
    async open() {
      const schema = `test_${randomUUID().replace(/-/g, '')}`;
      const admin = ReadStore.open({ dialect: 'postgres', connectionString: postgresUrl });
      await sql`CREATE SCHEMA ${sql.id(schema)}`.execute(admin.db);
      await admin.close();
      const url = new URL(postgresUrl);
      url.searchParams.set('options', `-c search_path=${schema}`);
      const readStore = ReadStore.open({ dialect: 'postgres', connectionString: url.toString() });
      return {
        readStore,
        async dispose() {
          await sql`DROP SCHEMA ${sql.id(schema)} CASCADE`.execute(readStore.db);
          await readStore.close();
        },
      };
    },
  };
  return [sqlite, postgres];
}
