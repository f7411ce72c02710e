export * from './backoff.js';
export * from './deterministic-event-id.js';
export * from './handle-command.js';
export { IDEMPOTENCY_KEY_REUSED, canonicalJson, commandFingerprint } from './idempotency.js';
export { inAppendSpan, traceMetadata } from './command-spans.js';
