import { EDGE_LIMIT_DEFAULTS } from './edge-limits-config.js';
import { ConfigError, loadConfig } from './load-config.js';

const SECRET = 'a-production-secret-of-at-least-32-chars';

describe('edge limits configuration', () => {
  it('has defaults, with the token-less rate limit off under NODE_ENV=test only', () => {
    const { edge } = loadConfig({ AUTH_JWT_SECRET: SECRET });
    expect(edge).toEqual({ ...EDGE_LIMIT_DEFAULTS, trustProxy: false });
    expect(edge.anonymousPerSecond).toBe(5);
    expect(loadConfig({ AUTH_JWT_SECRET: SECRET, NODE_ENV: 'test' }).edge.anonymousPerSecond).toBe(0);
  });

  it('reads every variable', () => {
    const { edge } = loadConfig({
      AUTH_JWT_SECRET: SECRET,
      ...{
        HTTP_CONNECTION_TIMEOUT_MS: '0',
        HTTP_REQUEST_TIMEOUT_MS: '1000',
        GRAPHQL_MAX_DOCUMENT_LENGTH: '4096',
        GRAPHQL_MAX_TOKENS: '500',
      },
      ...{
        GRAPHQL_MAX_FIELDS: '50',
        GRAPHQL_MAX_ALIASES: '0',
        GRAPHQL_ANONYMOUS_RATE_LIMIT: '0.5',
        GRAPHQL_ANONYMOUS_RATE_LIMIT_BURST: '2',
      },
      ...{
        WS_CONNECTION_INIT_TIMEOUT_MS: '250',
        WS_MAX_PAYLOAD_BYTES: '2048',
        WS_MAX_SUBSCRIPTIONS: '4',
        TRUST_PROXY: '10.0.0.0/8',
        APQ_CACHE_SIZE: '0',
        GRAPHQL_DOCUMENT_CACHE_MB: '0',
      },
    });
    expect(edge).toEqual({
      connectionTimeoutMs: 0,
      requestTimeoutMs: 1000,
      maxDocumentLength: 4096,
      maxTokens: 500,
      maxFields: 50,
      maxAliases: 0,
      anonymousPerSecond: 0.5,
      anonymousBurst: 2,
      connectionInitTimeoutMs: 250,
      wsMaxPayloadBytes: 2048,
      wsMaxSubscriptions: 4,
      persistedQueryCacheSize: 0,
      documentCacheMb: 0,
      trustProxy: '10.0.0.0/8',
    });
    expect(loadConfig({ AUTH_JWT_SECRET: SECRET, TRUST_PROXY: '1' }).edge.trustProxy).toBe(1);
    expect(loadConfig({ AUTH_JWT_SECRET: SECRET, TRUST_PROXY: 'true' }).edge.trustProxy).toBe(true);
  });

  it('names every bad value at once', () => {
    const env = {
      AUTH_JWT_SECRET: SECRET,
      HTTP_REQUEST_TIMEOUT_MS: '-1',
      GRAPHQL_MAX_TOKENS: '3',
      GRAPHQL_MAX_FIELDS: '1.5',
      WS_MAX_PAYLOAD_BYTES: 'lots',
      GRAPHQL_ANONYMOUS_RATE_LIMIT: '-2',
      APQ_CACHE_SIZE: '-1',
      GRAPHQL_DOCUMENT_CACHE_MB: '1.5',
    };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        "HTTP_REQUEST_TIMEOUT_MS must be an integer of at least 0 (got '-1')",
        "GRAPHQL_MAX_TOKENS must be an integer of at least 16 (got '3')",
        "GRAPHQL_MAX_FIELDS must be an integer of at least 1 (got '1.5')",
        "GRAPHQL_ANONYMOUS_RATE_LIMIT must be a non-negative number (got '-2')",
        "WS_MAX_PAYLOAD_BYTES must be an integer of at least 1024 (got 'lots')",
        "APQ_CACHE_SIZE must be an integer of at least 0 (got '-1')",
        "GRAPHQL_DOCUMENT_CACHE_MB must be an integer of at least 0 (got '1.5')",
      ]);
    }
  });
});
