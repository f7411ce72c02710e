export * from './rulebook.js';
export * from './versioned.js';
