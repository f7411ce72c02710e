export * from './errors.js';
export * from './event-store.port.js';
export * from './expected-revision.js';
export * from './recorded-event.js';
export * from './subscription.js';
export * from './validate-events.js';
export * from './log-edges.js';
export * from './validate-stream-metadata.js';
