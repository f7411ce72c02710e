import { SqliteEventStore, SqliteEventStoreOptions } from './sqlite-event-store.js';

export { SqliteEventStore, SQLITE_EVENTS_FILE } from './sqlite-event-store.js';
export type { SqliteEventStoreOptions } from './sqlite-event-store.js';

export function openSqliteEventStore(options: SqliteEventStoreOptions): SqliteEventStore {
  return new SqliteEventStore(options);
}
