export * from './daily-usage.query.js';
export * from './quota-usage.query.js';
export * from './quota.documents.js';
export * from './quota.projection.js';
