export * from './count-tickets.query.js';
export * from './get-ticket.query.js';
export * from './list-tickets.query.js';
export * from './ticket-counts.js';
export * from './ticket-list.documents.js';
export * from './ticket-list.projection.js';
