export * from './port/index.js';
export { openSqliteEventStore, SqliteEventStore } from './sqlite/index.js';
