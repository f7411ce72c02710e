export * from './list-views.reader.js';
export * from './view-tickets.reader.js';
export * from './views.documents.js';
export * from './views.projection.js';
