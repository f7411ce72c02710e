import type { EventStoreConfig } from '@helpdesk/config';
import { EventStore, openSqliteEventStore } from '@helpdesk/event-store';
import { connectEventStoreDB } from '@helpdesk/event-store/eventstoredb/index.js';

export function openEventStore(config: EventStoreConfig): EventStore {
  return config.adapter === 'eventstoredb'
    ? connectEventStoreDB(config.connectionString)
    : openSqliteEventStore({ dataDir: config.dataDir });
}
