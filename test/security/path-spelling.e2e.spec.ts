import { type PortalsWorld, openPortalsWorld } from './portals.world.js';
import { rawRequest } from './raw-http.js';

/**
 * The JSON-only rule of POST /graphql holds for the route, not for one spelling of its URL. The
 * router decodes `%67` and drops what follows `?` or `#`; a guard comparing the raw URL let a form
 * through. Each spelling is sent byte for byte over TCP: first as JSON, to learn whether it
 * reaches the GraphQL handler at all, then as a form and as text: a spelling that reaches the
 * handler answers 415 and runs nothing; one that does not is a 404.
 */
const SPELLINGS = [
  '/graphql',
  '/%67raphql',
  '/graphq%6c',
  '/%67%72%61%70%68%71%6c',
  '/graphql#x',
  '/graphql?x',
  '/graphql?x=1#y',
  '//graphql',
  '/GraphQL',
  '/GRAPHQL',
  '/graphql/',
  '/graphql;x',
  '/graphql;x=1',
  '/./graphql',
  '/x/../graphql',
  '/graphql%23x',
  '/graphql%3Fx',
];

const FORM = new URLSearchParams({ query: '{ serviceHealth { healthy } }' }).toString();
const NOT_JSON: [string, string][] = [
  ['application/x-www-form-urlencoded', FORM],
  ['text/plain', JSON.stringify({ query: '{ serviceHealth { healthy } }' })],
  [
    'multipart/form-data; boundary=x',
    `--x\r\nContent-Disposition: form-data; name="query"\r\n\r\n{ serviceHealth { healthy } }\r\n--x--\r\n`,
  ],
  ['', FORM],
];

describe('POST /graphql takes JSON only, however its URL is spelled', () => {
  let world: PortalsWorld;
  let port: number;

  beforeAll(async () => {
    world = await openPortalsWorld({ listen: true });
    port = Number(new URL(world.url).port);
  });

  afterAll(() => world.close());

  it('answers 415 (or 404 when the spelling is not the route) to every non-JSON body, and never runs it', async () => {
    const outcomes: Record<string, unknown>[] = [];
    let routed = 0;
    for (const path of SPELLINGS) {
      const json = await rawRequest(
        port,
        'POST',
        path,
        { 'content-type': 'application/json' },
        JSON.stringify({ query: '{ serviceHealth { healthy } }' }),
      );
      const reaches = json.status === 200 && json.text.includes('"healthy":true');
      if (reaches) routed++;
      for (const [contentType, body] of NOT_JSON) {
        const answer = await rawRequest(port, 'POST', path, contentType ? { 'content-type': contentType } : {}, body);
        const outcome = { path, contentType, reaches, status: answer.status, ran: answer.text.includes('"healthy"') };
        outcomes.push(outcome);
        expect(outcome).toEqual({ path, contentType, reaches, status: reaches ? 415 : 404, ran: false });
        if (reaches) expect(answer.text).toContain('UNSUPPORTED_MEDIA_TYPE');
      }
    }
    // The check is not vacuous: the decoded and suffixed spellings do reach the handler.
    expect(routed).toBeGreaterThanOrEqual(6);
    expect(outcomes).toHaveLength(SPELLINGS.length * NOT_JSON.length);
  });
});
