export * from './list-views.query.js';
export * from './view-tickets.query.js';
export * from './views.documents.js';
export * from './views.projection.js';
