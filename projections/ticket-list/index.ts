export * from './count-tickets.reader.js';
export * from './get-ticket.reader.js';
export * from './list-tickets.reader.js';
export * from './ticket-counts.js';
export * from './ticket-list.documents.js';
export * from './ticket-list.projection.js';
