export * from './app-config.js';
export * from './load-config.js';
export * from './auth-secret.js';
export * from './export-signing-key.js';
export * from './rate-limit-config.js';
export * from './edge-limits-config.js';
export * from './outbound-throughput-config.js';
export * from './campaign-config.js';
