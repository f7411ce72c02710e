export * from './media-store.port.js';
export { FilesystemMediaStore } from './filesystem-media-store.js';
