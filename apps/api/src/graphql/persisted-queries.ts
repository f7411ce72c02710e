import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { GraphQLError } from 'graphql';
import type { FastifyRequest, RouteOptions, preHandlerAsyncHookHandler } from 'fastify';
import mercurius from 'mercurius';
import type { AppConfig } from '@helpdesk/config';
import type { Clock } from '@helpdesk/commands/shared/clock.js';
import { callerOf } from './request-budget.js';

const GRAPHQL_PATH = '/graphql';

/** The messages Mercurius answers with; formatGraphqlErrors gives each its code (Apollo's names). */
export const PERSISTED_QUERY_ERRORS = {
  notFoundError: 'PersistedQueryNotFound',
  notSupportedError: 'PersistedQueryNotSupported',
  mismatchError: 'The sha256Hash of extensions.persistedQuery is not the hash of the query sent with it',
} as const;

export const PERSISTED_QUERY_CODES: Readonly<Record<string, string>> = {
  [PERSISTED_QUERY_ERRORS.notFoundError]: 'PERSISTED_QUERY_NOT_FOUND',
  [PERSISTED_QUERY_ERRORS.notSupportedError]: 'PERSISTED_QUERY_NOT_SUPPORTED',
  [PERSISTED_QUERY_ERRORS.mismatchError]: 'PERSISTED_QUERY_MISMATCH',
};

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Automatic persisted queries (Apollo's protocol, `extensions.persistedQuery: { version: 1,
 * sha256Hash }`): a client sends the hash alone; on PERSISTED_QUERY_NOT_FOUND it sends the hash
 * with the query, which is answered and then kept. Mercurius's LRU of APQ_CACHE_SIZE entries, by
 * hash, holding the query's text only, never a result or a caller: every request runs the text
 * it names under its own token, and through the same budget (documentGate sees the stored text,
 * as Mercurius hands it to preParsing). A hash is only stored as the SHA-256 of the text it came
 * with (otherwise PERSISTED_QUERY_MISMATCH), and only once that text was answered, so nobody can
 * make a hash name another document, and a refused document is never kept. Null when off (0).
 */
export function automaticPersistedQueries(cacheSize: number): mercurius.PersistedQueryProvider | undefined {
  if (cacheSize <= 0) return undefined;
  const automatic = mercurius.persistedQueryDefaults.automatic(cacheSize);
  return {
    ...automatic,
    ...PERSISTED_QUERY_ERRORS,
    // A hash that is not 64 lowercase hex digits names nothing: not a cache key of another shape.
    // Falsy: Mercurius answers PERSISTED_QUERY_NOT_SUPPORTED.
    getHash: (request) => {
      const hash: unknown = automatic.getHash(request);
      return typeof hash === 'string' && SHA256_HEX.test(hash) ? hash : '';
    },
  };
}

/**
 * A request carrying `extensions.persistedQuery` needs a valid bearer token, checked before
 * Mercurius looks the hash up: otherwise anyone could ask whether a document was sent lately
 * (found or PERSISTED_QUERY_NOT_FOUND), and fill the cache. A caller without a token sends its
 * `serviceHealth` query in full. Added to the GraphQL routes as Fastify registers them (onRoute),
 * so createApp calls this before app.init().
 */
export function usePersistedQueryGate(app: NestFastifyApplication, config: AppConfig, clock: Clock): void {
  if (config.edge.persistedQueryCacheSize <= 0) return;
  const tokenRequired: preHandlerAsyncHookHandler = async (request) => {
    if (!carriesPersistedQuery(request)) return;
    const { user, problem } = await callerOf(request.headers.authorization, config, clock);
    if (user) return;
    throw new GraphQLError(`A persisted query needs a token. ${problem}`, {
      extensions: { code: 'UNAUTHENTICATED' },
      originalError: Object.assign(new Error(problem), { statusCode: 401 }),
    });
  };
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route: RouteOptions) => {
      if (route.url !== GRAPHQL_PATH) return;
      const existing = route.preHandler ? [route.preHandler].flat() : [];
      route.preHandler = [tokenRequired, ...existing];
    });
}

/** POST's JSON body (batches are off) or GET's `extensions` parameter, as Mercurius reads them. */
function carriesPersistedQuery(request: FastifyRequest): boolean {
  if (request.method === 'POST')
    return hasPersistedQuery((request.body as { extensions?: unknown } | null)?.extensions);
  const extensions = (request.query as { extensions?: unknown } | null)?.extensions;
  if (typeof extensions !== 'string') return false;
  try {
    return hasPersistedQuery(JSON.parse(extensions));
  } catch {
    // Mercurius answers the malformed JSON itself.
    return false;
  }
}

function hasPersistedQuery(extensions: unknown): boolean {
  return (
    typeof extensions === 'object' &&
    extensions !== null &&
    Boolean((extensions as Record<string, unknown>).persistedQuery)
  );
}
