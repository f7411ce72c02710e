export * from './access-token.js';
export * from './hs256-jwt.js';
export * from './identity-provider-keys.js';
