export * from './port/index.js';
export { openSqliteEventStore, SqliteEventStore } from './sqlite/index.js';
export { StreamCheckpoint } from './stream-checkpoint.js';
export { CommitWatch } from './sqlite/commit-watch.js';
