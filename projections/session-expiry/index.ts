export * from './due-sessions.reader.js';
export * from './session-expiry.projection.js';
