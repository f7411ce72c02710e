export * from './channels.reader.js';
export * from './contacts.reader.js';
export * from './directory.documents.js';
export * from './directory.projection.js';
export * from './templates.reader.js';
