import type { EdgeLimitsConfig } from './app-config.js';

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The resource budget every request gets at the edge (apps/api/src/graphql/request-budget.ts and
 * create-app.ts). The defaults hold every screen of the help desk and GraphiQL's introspection
 * query with room to spare; each is one validated variable, named all at once with the others.
 */
export const EDGE_LIMIT_DEFAULTS = {
  /** HTTP_CONNECTION_TIMEOUT_MS: a socket with no traffic this long is closed (0 = never). */
  connectionTimeoutMs: 60_000,
  /** HTTP_REQUEST_TIMEOUT_MS: a request must arrive whole (headers and body) within this (0 = never). */
  requestTimeoutMs: 30_000,
  /** GRAPHQL_MAX_DOCUMENT_LENGTH: characters of a GraphQL document, checked before it is parsed. */
  maxDocumentLength: 32_768,
  /** GRAPHQL_MAX_TOKENS: lexical tokens of a document; parsing stops at the first one over. */
  maxTokens: 3_000,
  /**
   * GRAPHQL_MAX_FIELDS: fields written in a document (fragments included, each spread counting as
   * one), before validation. GraphiQL's introspection query has 80, the largest screen about 55.
   * Validation merges fields pairwise: 200 identical fields took 20 ms warm, 78 ms cold on a loaded
   * 2-core machine, so 150 keeps the worst case near the 50 ms budget.
   */
  maxFields: 150,
  /** GRAPHQL_MAX_ALIASES: aliased fields in a document, counted before validation. */
  maxAliases: 30,
  /** GRAPHQL_ANONYMOUS_RATE_LIMIT: requests per second per client address without a valid token (0 = off; 0 under NODE_ENV=test). */
  anonymousPerSecond: 5,
  /** GRAPHQL_ANONYMOUS_RATE_LIMIT_BURST. */
  anonymousBurst: 20,
  /** WS_CONNECTION_INIT_TIMEOUT_MS: a WebSocket must send connection_init within this, or it is closed with 4408. */
  connectionInitTimeoutMs: 10_000,
  /** WS_MAX_PAYLOAD_BYTES: the largest WebSocket message accepted; a larger one closes the socket (1009). */
  wsMaxPayloadBytes: 65_536,
  /** WS_MAX_SUBSCRIPTIONS: subscriptions one WebSocket may hold at once. */
  wsMaxSubscriptions: 20,
  /**
   * APQ_CACHE_SIZE: documents kept for automatic persisted queries, least recently used first out
   * (0 = off). Only their text is kept, each within GRAPHQL_MAX_DOCUMENT_LENGTH: 1,000 of the
   * largest are 32 MiB (64 MiB if not Latin-1); the help desk's screens send a few dozen distinct ones.
   */
  persistedQueryCacheSize: 1_000,
  /**
   * GRAPHQL_DOCUMENT_CACHE_MB: memory for the cache of valid GraphQL documents (their text and
   * syntax tree, never a result), so a repeated document is neither parsed nor validated again
   * (0 = off). Its entry count is this divided by the largest entry the limits above allow
   * (apps/api/src/graphql/document-cache.ts): 19 entries (up to 38 documents) at the defaults.
   */
  documentCacheMb: 16,
} as const;

export function edgeLimitsConfigFrom(env: Environment, environment: string, problems: string[]): EdgeLimitsConfig {
  const d = EDGE_LIMIT_DEFAULTS;
  const int = (name: string, fallback: number, min: number) => integer(env, name, fallback, min, problems);
  return {
    connectionTimeoutMs: int('HTTP_CONNECTION_TIMEOUT_MS', d.connectionTimeoutMs, 0),
    requestTimeoutMs: int('HTTP_REQUEST_TIMEOUT_MS', d.requestTimeoutMs, 0),
    maxDocumentLength: int('GRAPHQL_MAX_DOCUMENT_LENGTH', d.maxDocumentLength, 64),
    maxTokens: int('GRAPHQL_MAX_TOKENS', d.maxTokens, 16),
    maxFields: int('GRAPHQL_MAX_FIELDS', d.maxFields, 1),
    maxAliases: int('GRAPHQL_MAX_ALIASES', d.maxAliases, 0),
    anonymousPerSecond: number(
      env,
      'GRAPHQL_ANONYMOUS_RATE_LIMIT',
      environment === 'test' ? 0 : d.anonymousPerSecond,
      problems,
    ),
    anonymousBurst: int('GRAPHQL_ANONYMOUS_RATE_LIMIT_BURST', d.anonymousBurst, 1),
    connectionInitTimeoutMs: int('WS_CONNECTION_INIT_TIMEOUT_MS', d.connectionInitTimeoutMs, 1),
    wsMaxPayloadBytes: int('WS_MAX_PAYLOAD_BYTES', d.wsMaxPayloadBytes, 1_024),
    wsMaxSubscriptions: int('WS_MAX_SUBSCRIPTIONS', d.wsMaxSubscriptions, 1),
    persistedQueryCacheSize: int('APQ_CACHE_SIZE', d.persistedQueryCacheSize, 0),
    documentCacheMb: int('GRAPHQL_DOCUMENT_CACHE_MB', d.documentCacheMb, 0),
    trustProxy: trustProxy(env.TRUST_PROXY),
  };
}

/** TRUST_PROXY: unset or `false` (the default: the socket's address is the client's), `true`, a hop count, or proxies' addresses. */
function trustProxy(value: string | undefined): boolean | number | string {
  const text = (value ?? '').trim();
  if (text === '' || text === 'false') return false;
  if (text === 'true') return true;
  if (/^\d+$/.test(text)) return Number(text);
  return text;
}

/** A whole number of at least `min` from `name`, or `fallback` when unset; else a problem. */
export function integer(env: Environment, name: string, fallback: number, min: number, problems: string[]): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (Number.isSafeInteger(parsed) && parsed >= min && /^\d+$/.test(value.trim())) return parsed;
  problems.push(`${name} must be an integer of at least ${min} (got '${value}')`);
  return fallback;
}

function number(env: Environment, name: string, fallback: number, problems: string[]): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (Number.isFinite(parsed) && parsed >= 0) return parsed;
  problems.push(`${name} must be a non-negative number (got '${value}')`);
  return fallback;
}
