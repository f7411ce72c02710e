export * from './append-only-map.js';
export * from './decider.js';
export * from './domain-error.js';
