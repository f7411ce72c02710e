export * from './daily-usage.reader.js';
export * from './quota-usage.reader.js';
export * from './quota.documents.js';
export * from './quota.projection.js';
