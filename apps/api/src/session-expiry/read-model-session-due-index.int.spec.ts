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
  // A table there but not the read model's (a damaged store): its columns are missing.
  await sql`CREATE TABLE ${sql.table(physicalTableName(sessionExpiryProjection, 'due_sessions'))} (unrelated text)`.execute(
    store.db,
  );
  const index = new ReadModelSessionDueIndex(store.db as ReadDatabase, async () => undefined);
  await expect(index.due(new Date(), 10, null)).rejects.toThrow(/no such column/);
  await expect(index.nextExpiryAfter(new Date())).rejects.toThrow(/no such column/);
});
