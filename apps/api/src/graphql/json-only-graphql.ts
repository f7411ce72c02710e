import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { GraphQLError } from 'graphql';
import type { FastifyRequest, RouteOptions, preParsingAsyncHookHandler } from 'fastify';
import type { AppConfig } from '@helpdesk/config';
import { TokenBuckets } from '../rate-limits/token-buckets.js';
import type { Clock } from '@helpdesk/commands/shared/clock.js';
import { callerOf } from './request-budget.js';

const GRAPHQL_PATH = '/graphql';

/**
 * Hooks on the GraphQL routes themselves, added as Fastify registers them (onRoute), so they run
 * for whatever spelling of the URL the router matched (`/%67raphql`, `/graphql?x`, `/graphql#x`,
 * `/graphql;x`...), and before the body is read: Fastify runs preParsing hooks before the content
 * type parser.
 *
 * - POST takes JSON only. A form or plain-text body is what a cross-site page can send without a
 *   CORS preflight; GraphQL clients never send one, so it is refused (415) before the body is read,
 *   in GraphQL's error shape.
 * - A request without a valid bearer token takes a token from its client address's bucket
 *   (GRAPHQL_ANONYMOUS_RATE_LIMIT, GRAPHQL_ANONYMOUS_RATE_LIMIT_BURST); over it, 429 RATE_LIMITED
 *   with Retry-After, before the body is read. `request.ip` is the socket's address unless
 *   TRUST_PROXY says which proxies' X-Forwarded-For to believe. WebSocket upgrades are not counted
 *   here: their token comes in connection_init.
 *
 * Must run before GraphQLModule registers its routes (createApp calls it before app.init()).
 */
export function useJsonOnlyGraphql(
  app: NestFastifyApplication,
  config: AppConfig,
  clock: Clock,
  now: () => number,
): void {
  const fastify = app.getHttpAdapter().getInstance();
  const { anonymousPerSecond, anonymousBurst } = config.edge;
  const anonymous =
    anonymousPerSecond > 0 ? new TokenBuckets({ perSecond: anonymousPerSecond, burst: anonymousBurst }, now) : null;

  const jsonOnly: preParsingAsyncHookHandler = async (request) => {
    if (request.method !== 'POST') return;
    const mediaType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (mediaType === 'application/json') return;
    refuse(415, `POST ${GRAPHQL_PATH} takes application/json, not '${mediaType || 'no content type'}'`, {
      code: 'UNSUPPORTED_MEDIA_TYPE',
    });
  };

  const anonymousLimit: preParsingAsyncHookHandler = async (request, reply) => {
    if (!anonymous || isWebSocketUpgrade(request)) return;
    if ((await callerOf(request.headers.authorization, config, clock)).user) return;
    const admission = anonymous.take(request.ip);
    if (admission.admitted) return;
    reply.header('retry-after', String(admission.retryAfterSeconds));
    const message = `Too many requests without a valid token from this address: retry in ${admission.retryAfterSeconds} s`;
    refuse(429, message, { code: 'RATE_LIMITED', retryAfterSeconds: admission.retryAfterSeconds });
  };

  fastify.addHook('onRoute', (route: RouteOptions) => {
    if (route.url !== GRAPHQL_PATH) return;
    const existing = route.preParsing ? [route.preParsing].flat() : [];
    route.preParsing = [jsonOnly, anonymousLimit, ...existing];
  });
}

function isWebSocketUpgrade(request: FastifyRequest): boolean {
  return request.method === 'GET' && String(request.headers.upgrade ?? '').toLowerCase() === 'websocket';
}

/**
 * Thrown, not sent: the route's error handler (Mercurius's, through formatGraphqlErrors) answers
 * with this status and GraphQL's error shape, and Fastify reads no body after a failed preParsing.
 */
function refuse(status: number, message: string, extensions: Record<string, unknown>): never {
  throw new GraphQLError(message, {
    extensions,
    originalError: Object.assign(new Error(message), { statusCode: status }),
  });
}
