import { SqliteEventStore, SqliteEventStoreOptions } from './sqlite-event-store';

export { SqliteEventStore, SQLITE_EVENTS_FILE } from './sqlite-event-store';
export type { SqliteEventStoreOptions } from './sqlite-event-store';

export function openSqliteEventStore(options: SqliteEventStoreOptions): SqliteEventStore {
  return new SqliteEventStore(options);
}
