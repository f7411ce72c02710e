export * from './channels.query.js';
export * from './contacts.query.js';
export * from './directory.documents.js';
export * from './directory.projection.js';
export * from './templates.query.js';
