import { join } from 'node:path';
import { openSqliteEventStore } from '@helpdesk/event-store';
import { ReadStore } from '@helpdesk/read-store';
import { rebuildProjection } from '@helpdesk/projections/core/blue-green-rebuild.js';
import { ticketListProjection } from '@helpdesk/projections/ticket-list/index.js';

/**
 * The kill test's rebuild process: rebuilds the ticket list of `dataDir` in small batches and
 * prints every progress report as a JSON line, so the test can SIGKILL it half way.
 */
export async function main(dataDir: string, batchSize: number): Promise<void> {
  const store = openSqliteEventStore({ dataDir });
  const readStore = ReadStore.open({ dialect: 'sqlite', file: join(dataDir, 'read-models.sqlite') });
  await rebuildProjection(store, readStore.db, ticketListProjection, {
    batchSize,
    onProgress: (progress) => process.stdout.write(`${JSON.stringify(progress)}\n`),
  });
  await readStore.close();
  await store.close();
}
