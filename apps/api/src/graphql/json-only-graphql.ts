import type { NestFastifyApplication } from '@nestjs/platform-fastify';

const GRAPHQL_PATH = '/graphql';

/**
 * POST /graphql takes JSON only. A form or plain-text body is what a cross-site page can send
 * without a CORS preflight; GraphQL clients never send one, so it is refused (415) before any
 * parsing or execution, in GraphQL's error shape.
 */
export function useJsonOnlyGraphql(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'POST' || request.url.split('?')[0] !== GRAPHQL_PATH) return;
    const mediaType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (mediaType === 'application/json') return;
    await reply
      .code(415)
      .header('content-type', 'application/json; charset=utf-8')
      .send({
        data: null,
        errors: [{ message: `POST ${GRAPHQL_PATH} takes application/json, not '${mediaType || 'no content type'}'`, extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' } }],
      });
  });
}
