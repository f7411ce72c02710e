export * from './get-ticket.query.js';
export * from './list-tickets.query.js';
export * from './ticket-list.documents.js';
export * from './ticket-list.projection.js';
