export * from './search-tickets.js';
export * from './search.projection.js';
