export * from './port';
export { openSqliteEventStore, SqliteEventStore } from './sqlite';
