import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';

/**
 * A route marked with `@RouteConfig(rawJsonBody(limit))` reads `request.rawBody` itself: the JSON
 * parser leaves its body unparsed, so the route can check a signature over the bytes *before*
 * deciding that they are not JSON, and it gets its own body limit (Meta's payloads reach 3 MB,
 * more than the service's default).
 */
const RAW_JSON_BODY = 'rawJsonBody';

interface RawJsonBodyConfig {
  readonly bodyLimit: number;
}

export function rawJsonBody(bodyLimit: number): Record<string, RawJsonBodyConfig> {
  return { [RAW_JSON_BODY]: { bodyLimit } };
}

function rawJsonBodyConfigOf(config: unknown): RawJsonBodyConfig | undefined {
  const value = (config as Record<string, unknown> | undefined)?.[RAW_JSON_BODY];
  return value && typeof value === 'object' ? (value as RawJsonBodyConfig) : undefined;
}

/** Call before `init()`, on an app created with `{ rawBody: true }` (which keeps the bytes as `request.rawBody`). */
export function useRawJsonBodyRoutes(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRoute', (route) => {
    const raw = rawJsonBodyConfigOf(route.config);
    if (raw) route.bodyLimit = raw.bodyLimit;
  });
  // The parser Nest would install otherwise, for every other route.
  const { onProtoPoisoning, onConstructorPoisoning, bodyLimit } = fastify.initialConfig;
  const parseJson = fastify.getDefaultJsonParser(onProtoPoisoning ?? 'error', onConstructorPoisoning ?? 'error');
  app.useBodyParser('application/json', { bodyLimit }, (request: FastifyRequest, body: Buffer, done) => {
    if (rawJsonBodyConfigOf(request.routeOptions.config)) done(null, undefined);
    // Fastify's JSON parser takes the buffer as well (Nest's own default passes it one).
    else parseJson(request, body as unknown as string, done);
  });
}
