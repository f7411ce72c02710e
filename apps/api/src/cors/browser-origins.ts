import type { FastifyAdapter } from '@nestjs/platform-fastify';
import fastifyCors, { type FastifyCorsOptions } from '@fastify/cors';
import type { CorsConfig } from '@helpdesk/config';

/**
 * What a browser client calls: GraphQL, and media (upload and download). Webhooks come from Meta's
 * servers, health and metrics from operators' tools: none of them is for a page's script.
 */
const BROWSER_PATHS = [/^\/graphql(?:[/?]|$)/, /^\/media(?:[/?]|$)/];

/** The preflight is cached this long: an origin removed from CORS_ORIGINS stops working within 10 minutes. */
export const CORS_MAX_AGE_SECONDS = 600;

/**
 * CORS for the origins in CORS_ORIGINS; unset, the plugin is not registered, so there are no CORS
 * headers and OPTIONS is 404 as before. An allowed origin gets its own origin back (never `*` with
 * a list); any other origin, or a path outside BROWSER_PATHS, gets no CORS header and a preflight
 * 404, so the browser refuses. No credentials: the API takes bearer tokens, not cookies.
 */
export async function useBrowserOrigins(adapter: FastifyAdapter, config: CorsConfig): Promise<void> {
  if (config.origins !== 'any' && config.origins.length === 0) return;
  const allowed = config.origins === 'any' ? null : new Set(config.origins);
  const options: FastifyCorsOptions = {
    methods: ['GET', 'POST', 'OPTIONS'],
    // A browser client may name its requests too (logging/request-id.ts), and read the id used.
    allowedHeaders: ['authorization', 'content-type', 'x-request-id'],
    // Rate-limited answers say when to retry; a downloaded file says its name.
    exposedHeaders: ['retry-after', 'content-disposition', 'x-request-id'],
    credentials: false,
    maxAge: CORS_MAX_AGE_SECONDS,
  };
  await adapter.getInstance().register(fastifyCors, {
    delegator: (request, callback) => {
      const origin = request.headers.origin;
      const served =
        typeof origin === 'string' &&
        (allowed === null || allowed.has(origin)) &&
        BROWSER_PATHS.some((path) => path.test(request.url));
      callback(null, { ...options, origin: served ? origin : false });
    },
  });
}
