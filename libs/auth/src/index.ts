export * from './access-token.js';
export * from './hs256-jwt.js';
