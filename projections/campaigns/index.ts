export * from './campaign-progress.reader.js';
export * from './campaigns.documents.js';
export * from './campaigns.projection.js';
