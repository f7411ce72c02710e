import type { EventStore } from '@helpdesk/event-store';
import { ReadStore, forWriting } from '@helpdesk/read-store';
import type { ReadDatabase } from '@helpdesk/projections/core/read-model-schema.js';
import { openEventStore } from '@helpdesk/event-store/open-event-store.js';
import { waitForNetworkStores } from '@helpdesk/commands/stores/wait-for-stores.js';
import type { CliIo } from '../cli-command.js';
import { existingInstall } from './existing-install.js';

/**
 * The stores the API uses (DATA_DIR or EVENTSTORE_URL, READ_STORE_URL) of an existing install, for
 * `helpdesk <command>` (named on stderr with them), closed afterwards.
 */
export async function withStores<T>(
  io: CliIo,
  command: string,
  work: (store: EventStore, db: ReadDatabase) => Promise<T>,
): Promise<T> {
  const config = existingInstall(io, command, { readStore: true });
  await waitForNetworkStores(config, (line) => io.stderr(`helpdesk ${command}: ${line}\n`));
  const store = await openEventStore(config.eventStore);
  const readStore = ReadStore.open(forWriting(config.readStore));
  try {
    return await work(store, readStore.db as ReadDatabase);
  } finally {
    await readStore.close();
    await store.close();
  }
}
