import {
  type AppConfig,
  type StoreProbe,
  eventStoreHosts,
  readStoreHost,
  redactedDetail,
  waitForStores,
} from '@helpdesk/config';
import { openEventStore } from '@helpdesk/event-store/open-event-store.js';
import { ReadStore } from '@helpdesk/read-store';

/**
 * Before a process builds anything on EVENTSTORE_URL or READ_STORE_URL: waits until each answers,
 * retrying for STARTUP_RETRY_SECONDS (a database started alongside may come up later), one `log`
 * line per failed attempt; then throws StoresUnreachableError. The embedded stores (SQLite files)
 * need no wait. The connections opened here are closed again: the process opens its own.
 */
export async function waitForNetworkStores(config: AppConfig, log: (line: string) => void): Promise<void> {
  const probes: StoreProbe[] = [];
  const closers: Array<() => Promise<void>> = [];
  if (config.eventStore.adapter === 'eventstoredb') {
    const { connectionString } = config.eventStore;
    const store = await openEventStore(config.eventStore);
    closers.push(() => store.close());
    probes.push(
      redacting(
        'EVENTSTORE_URL',
        eventStoreHosts(connectionString) ?? '?',
        connectionString,
        async () => await store.health(),
      ),
    );
  }
  if (config.readStore.dialect === 'postgres') {
    const { connectionString } = config.readStore;
    const readStore = ReadStore.open(config.readStore);
    closers.push(() => readStore.close());
    probes.push(
      redacting('READ_STORE_URL', readStoreHost(connectionString) ?? '?', connectionString, () => readStore.health()),
    );
  }
  if (probes.length === 0) return;
  try {
    await waitForStores(probes, { retrySeconds: config.startupRetrySeconds, log });
  } finally {
    await Promise.all(closers.map((close) => close().catch(() => undefined)));
  }
}

/** Whatever the driver says, thrown or returned, reaches the log without the connection string's password. */
function redacting(
  variable: string,
  target: string,
  connectionString: string,
  check: () => Promise<{ healthy: boolean; detail?: string }>,
): StoreProbe {
  return {
    variable,
    target,
    async check() {
      try {
        const { healthy, detail } = await check();
        return { healthy, detail: redactedDetail(detail ?? 'unhealthy', connectionString) };
      } catch (error) {
        return { healthy: false, detail: redactedDetail((error as Error)?.message ?? String(error), connectionString) };
      }
    },
  };
}
