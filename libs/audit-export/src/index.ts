export * from './canonical-json.js';
export * from './export-keys.js';
export * from './export-format.js';
export * from './export-lines.js';
export * from './verify-export.js';
export * from './store-reference.js';
