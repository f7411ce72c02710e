import type { LightMyRequestResponse } from 'fastify';
import { type PortalsWorld, openPortalsWorld } from './portals.world.js';

const DESK = 'https://desk.example.com';
const OTHER_DESK = 'http://localhost:5173';
const STRANGER = 'https://evil.example';

/**
 * CORS over the real app: with CORS_ORIGINS set, a browser on a listed origin may call GraphQL and
 * media (preflight 204 with the allowed methods and headers); any other origin, and every other
 * path (the webhooks above all), gets no CORS header. Unset, there is no CORS at all.
 */
describe('CORS', () => {
  describe('with CORS_ORIGINS set', () => {
    let world: PortalsWorld;
    beforeAll(async () => {
      world = await openPortalsWorld({ env: { CORS_ORIGINS: `${DESK}/, ${OTHER_DESK}` } });
    });
    afterAll(() => world.close());

    it.each([DESK, OTHER_DESK])(
      'answers the preflight of %s at /graphql with 204 and what it allows',
      async (origin) => {
        const answer = await preflight(world, '/graphql', origin, 'POST', 'authorization,content-type');
        expect(answer.statusCode).toBe(204);
        expect(answer.headers).toMatchObject({
          'access-control-allow-origin': origin,
          'access-control-allow-methods': 'GET, POST, OPTIONS',
          'access-control-allow-headers': 'authorization, content-type, x-request-id',
          'access-control-max-age': '600',
        });
        expect(answer.headers.vary).toMatch(/Origin/i);
        expect(answer.headers['access-control-allow-credentials']).toBeUndefined();
      },
    );

    it('allows the origin on the actual GraphQL request, and shows it the retry-after header', async () => {
      const answer = await inject(
        world,
        'POST',
        '/graphql',
        {
          origin: DESK,
          'content-type': 'application/json',
          authorization: `Bearer ${world.token('acme', ['agent'])}`,
        },
        JSON.stringify({ query: '{ __typename }' }),
      );
      expect(answer.statusCode).toBe(200);
      expect(answer.headers['access-control-allow-origin']).toBe(DESK);
      expect(answer.headers['access-control-expose-headers']).toBe('retry-after, content-disposition, x-request-id');
    });

    it('gives another origin no CORS header, so its browser refuses the answer', async () => {
      const answer = await preflight(world, '/graphql', STRANGER, 'POST', 'authorization,content-type');
      expect(answer.statusCode).toBe(404);
      expect(corsHeadersOf(answer)).toEqual({});
      const actual = await inject(
        world,
        'POST',
        '/graphql',
        { origin: STRANGER, 'content-type': 'application/json' },
        '{"query":"{ __typename }"}',
      );
      expect(corsHeadersOf(actual)).toEqual({});
    });

    it('allows media uploads and downloads from a listed origin', async () => {
      const upload = await preflight(
        world,
        '/media?kind=image&fileName=a.jpg',
        DESK,
        'POST',
        'authorization,content-type',
      );
      expect(upload.statusCode).toBe(204);
      expect(upload.headers['access-control-allow-origin']).toBe(DESK);
      const download = await inject(world, 'GET', '/media/unknown-id', { origin: DESK });
      expect(download.statusCode).toBe(401);
      expect(download.headers['access-control-allow-origin']).toBe(DESK);
    });

    it.each(['/webhooks/whatsapp', '/health', '/metrics'])(
      'gives %s no CORS, even from a listed origin',
      async (path) => {
        const answer = await preflight(world, path, DESK, 'POST', 'content-type');
        expect(answer.statusCode).toBe(404);
        expect(corsHeadersOf(answer)).toEqual({});
        const webhook = await inject(world, 'GET', path, { origin: DESK });
        expect(corsHeadersOf(webhook)).toEqual({});
      },
    );
  });

  describe('without CORS_ORIGINS', () => {
    let world: PortalsWorld;
    beforeAll(async () => {
      world = await openPortalsWorld();
    });
    afterAll(() => world.close());

    it('answers no preflight and sends no CORS header', async () => {
      const answer = await preflight(world, '/graphql', DESK, 'POST', 'authorization,content-type');
      expect(answer.statusCode).toBe(404);
      expect(corsHeadersOf(answer)).toEqual({});
      const actual = await inject(
        world,
        'POST',
        '/graphql',
        { origin: DESK, 'content-type': 'application/json' },
        '{"query":"{ __typename }"}',
      );
      expect(corsHeadersOf(actual)).toEqual({});
    });
  });
});

function preflight(world: PortalsWorld, url: string, origin: string, method: string, headers: string) {
  return inject(world, 'OPTIONS', url, {
    origin,
    'access-control-request-method': method,
    'access-control-request-headers': headers,
  });
}

function inject(
  world: PortalsWorld,
  method: 'GET' | 'POST' | 'OPTIONS',
  url: string,
  headers: Record<string, string>,
  payload?: string,
): Promise<LightMyRequestResponse> {
  const fastify = world.app.getHttpAdapter().getInstance();
  return fastify.inject({ method, url, headers, ...(payload !== undefined && { payload }) });
}

function corsHeadersOf(answer: LightMyRequestResponse): Record<string, unknown> {
  return Object.fromEntries(Object.entries(answer.headers).filter(([name]) => name.startsWith('access-control-')));
}
