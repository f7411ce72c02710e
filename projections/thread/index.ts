export * from './list-thread.query.js';
export * from './thread.documents.js';
export * from './thread.projection.js';
