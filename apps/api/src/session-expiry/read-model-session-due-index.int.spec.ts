/**
 * With the read models in another process, the API's session expiry may read the index before the
 * projector created its tables (a new install): that is "nothing due", not an error. Any other
 * failure still is one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { ReadStore } from '@helpdesk/read-store';
import { physicalTableName } from '@helpdesk/projections/core/projection.js';
import { sessionExpiryProjection } from '@helpdesk/projections/session-expiry/index.js';
import type { ReadDatabase } from '@helpdesk/projections/core/read-model-schema.js';
import { ReadModelSessionDueIndex } from './read-model-session-due-index.js';

let dir: string;
let store: ReadStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'due-index-'));
  store = ReadStore.open({ dialect: 'sqlite', file: join(dir, 'read.sqlite') });
});
afterEach(async () => {
  await store.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

it('reads as empty while the read model has no tables yet', async () => {
  const index = new ReadModelSessionDueIndex(store.db as ReadDatabase, async () => undefined);
  await expect(index.due(new Date(), 10, null)).resolves.toEqual([]);
  await expect(index.nextExpiryAfter(new Date())).resolves.toBeNull();
});

it('still fails on any other error', async () => {
  // The read model's table with a row it cannot have written (a damaged store): its document is not JSON.
  const table = sql.table(physicalTableName(sessionExpiryProjection, 'due_sessions'));
  await sql`CREATE TABLE ${table} (id text PRIMARY KEY, document text, expires_at text)`.execute(store.db);
  await sql`INSERT INTO ${table} (id, document, expires_at) VALUES ('s-1', 'not json', '2020-01-01T00:00:00.000Z')`.execute(
    store.db,
  );
  const index = new ReadModelSessionDueIndex(store.db as ReadDatabase, async () => undefined);
  await expect(index.due(new Date(), 10, null)).rejects.toThrow(SyntaxError);
});
