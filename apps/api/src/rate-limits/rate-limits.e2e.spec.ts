import { createHmac } from 'node:crypto';
import { signHs256Jwt } from '@helpdesk/auth';
import { MetricsRegistry } from '../metrics/metrics-registry.js';
import { Subscriber } from '../notifications/subscriber.test-world.js';
import { APP_SECRET, type PortalsWorld, openPortalsWorld } from '../../../../test/security/portals.world.js';

const TICKETS = '{ tickets { totalCount } }';
/** 3 at once, then one every 10 s: time only moves when the test moves it. */
const LIMITS = { GRAPHQL_RATE_LIMIT: '0.1', GRAPHQL_RATE_LIMIT_BURST: '3' };

describe('per-portal GraphQL rate limits in the booted service', () => {
  let world: PortalsWorld;
  let now = 0;
  const subscribers: Subscriber[] = [];

  beforeAll(async () => {
    world = await openPortalsWorld({ env: LIMITS, overrides: { rateLimitNow: () => now }, listen: true });
  });

  afterAll(async () => {
    await Promise.all(subscribers.map((subscriber) => subscriber.close()));
    await world.close();
  });

  beforeEach(() => {
    now += 60_000; // every bucket full again
  });

  it('refuses a portal over its burst with RATE_LIMITED, HTTP 429 and Retry-After, and leaves other portals alone', async () => {
    const acme = world.token('acme', ['agent']);
    const globex = world.token('globex', ['agent']);
    for (let request = 0; request < 3; request++)
      expect((await world.graphql(TICKETS, {}, acme)).errors).toBeUndefined();

    const limited = await world.post('/graphql', JSON.stringify({ query: TICKETS }), {
      'content-type': 'application/json',
      authorization: `Bearer ${acme}`,
    });
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('10');
    expect(JSON.parse(limited.raw)).toEqual({
      data: null,
      errors: [
        {
          message: 'Too many requests for this portal: retry in 10 s',
          extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 10 },
        },
      ],
    });
    // Another portal's agents, and the same portal's other users, share nothing but the portal's bucket.
    for (let request = 0; request < 3; request++)
      expect((await world.graphql(TICKETS, {}, globex)).errors).toBeUndefined();
    expect(
      (await world.graphql(TICKETS, {}, world.token('acme', ['admin'], 'another-user'))).errors?.[0]?.extensions?.code,
    ).toBe('RATE_LIMITED');
  });

  it('admits the portal again once Retry-After has passed', async () => {
    const acme = world.token('acme', ['agent']);
    for (let request = 0; request < 3; request++) await world.graphql(TICKETS, {}, acme);
    const limited = await world.graphql(TICKETS, {}, acme);
    expect(limited.errors?.[0]?.extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: 10 });

    now += 9_000;
    expect((await world.graphql(TICKETS, {}, acme)).errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    now += 1_000;
    expect((await world.graphql(TICKETS, {}, acme)).errors).toBeUndefined();
  });

  it('refuses before anything runs: a limited mutation records nothing', async () => {
    const acme = world.token('acme', ['agent']);
    for (let request = 0; request < 3; request++) await world.graphql(TICKETS, {}, acme);
    const head = await world.head();

    const create = await world.graphql('mutation { createContact(input: { name: "Ann" }) { contactId } }', {}, acme);

    expect(create.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(await world.eventsAfter(head)).toEqual([]);
    const counter = world.app.get(MetricsRegistry).counter('graphql_requests_rate_limited_total', '', ['transport']);
    expect(counter.get({ transport: 'http' })).toBeGreaterThan(0);
  });

  it("does not let forged tokens naming a portal use up that portal's requests (AuthGuard refuses them)", async () => {
    const forged = signHs256Jwt(
      { sub: 'mallory', portalId: 'acme', roles: ['agent'], exp: 4_102_444_800 },
      'a-guessed-secret-that-is-long-enough-000',
    );
    for (let request = 0; request < 10; request++) {
      expect((await world.graphql(TICKETS, {}, forged)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    expect((await world.graphql(TICKETS, {}, world.token('acme', ['agent']))).errors).toBeUndefined();
  });

  it('counts the start of a subscription, refused with RATE_LIMITED once the bucket is empty', async () => {
    const acme = world.token('acme', ['agent']);
    for (let request = 0; request < 3; request++) await world.graphql(TICKETS, {}, acme);
    const subscriber = new Subscriber(world.url, acme);
    subscribers.push(subscriber);

    const refused = subscriber.subscribe('subscription { messageReceived { conversationId } }');

    expect(await refused.whenEnded()).toEqual([
      expect.objectContaining({ extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 10 } }),
    ]);
  });

  it("does not limit Meta's webhook: what is not acknowledged is only sent again, later", async () => {
    const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [] });
    const signature = `sha256=${createHmac('sha256', APP_SECRET).update(body).digest('hex')}`;
    const statuses: number[] = [];
    for (let post = 0; post < 10; post++) {
      statuses.push(
        (
          await world.post('/webhooks/whatsapp', body, {
            'content-type': 'application/json',
            'x-hub-signature-256': signature,
          })
        ).status,
      );
    }
    expect(statuses).toEqual(Array(10).fill(200));
  });
});
