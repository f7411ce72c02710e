import type { EventStoreConfig } from '@helpdesk/config';
import { EventStore, openSqliteEventStore } from '@helpdesk/event-store';
import { connectEventStoreDB } from '@helpdesk/event-store/eventstoredb/index.js';

export interface OpenEventStoreOptions {
  /** Stamps the embedded store's events (`created`, ms since the epoch); tests set it. EventStoreDB stamps its own. */
  readonly now?: () => number;
}

export function openEventStore(config: EventStoreConfig, { now }: OpenEventStoreOptions = {}): EventStore {
  return config.adapter === 'eventstoredb'
    ? connectEventStoreDB(config.connectionString)
    : openSqliteEventStore({ dataDir: config.dataDir, ...(now && { now }) });
}
