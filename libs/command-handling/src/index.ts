export * from './deterministic-event-id.js';
export * from './handle-command.js';
