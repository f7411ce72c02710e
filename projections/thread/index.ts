export * from './list-thread.reader.js';
export * from './thread.documents.js';
export * from './thread.projection.js';
