import { setFlagsFromString } from 'node:v8';
import { measureLoopHold } from '../support/event-loop-hold.js';
import { runInNewContext } from 'node:vm';
import { getIntrospectionQuery } from 'graphql';
import { type PortalsWorld, openPortalsWorld } from './portals.world.js';

/**
 * The budget every GraphQL request gets: none, with or without a token, may hold the event loop
 * for more than 50 ms or keep more than 10 MiB once answered. Asserted with room for a loaded
 * machine: the longest event-loop delay seen while a request is served stays under 250 ms, and the
 * heap kept after all of them (after a full GC) stays under 25 MiB. These are bounds, not speed
 * targets: before the limits, 5,000 aliases took seconds and each 40,000-field invalid document
 * kept about 185 MiB in Mercurius's error cache.
 */
const MAX_DELAY_MS = 250;
const MAX_RETAINED_MIB = 25;
/** The idle window each measurement's noise is taken from (measureLoopHold). */
const IDLE_WINDOW_MS = 100;

// A full GC on demand, without asking jest to start node with --expose-gc.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const repeat = (count: number, item: (i: number) => string, separator = ' ') =>
  Array.from({ length: count }, (_, i) => item(i)).join(separator);

/** Documents that cost the server much more than they cost the client. */
const ATTACKS: Record<string, () => string> = {
  '5,000 aliases of serviceHealth': () => `{ ${repeat(5_000, (i) => `a${i}: serviceHealth { healthy }`)} }`,
  '5,000 unaliased serviceHealth (field merging is quadratic)': () =>
    `{ ${repeat(5_000, () => 'serviceHealth { healthy }')} }`,
  '40,000 unknown fields (820 KiB, invalid)': () => `{ ${repeat(40_000, (i) => `f${i}`)} }`,
  'nesting 5,000 deep': () => `${'{ a '.repeat(5_000)}${'}'.repeat(5_000)}`,
  '200,000 tokens in one argument': () => `{ serviceHealth(x: [${repeat(200_000, () => '1', ',')}]) { healthy } }`,
  'fragments doubling 40 times': () =>
    `{ ...F0 } ${repeat(40, (i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`)} fragment F40 on Query { serviceHealth { healthy } }`,
  '20,000 repeated directives': () => `{ serviceHealth ${repeat(20_000, () => '@include(if: true)')} { healthy } }`,
  introspection: () => getIntrospectionQuery(),
  // Just within the budget (GRAPHQL_MAX_FIELDS 150, GRAPHQL_MAX_ALIASES 30, GRAPHQL_MAX_TOKENS 3,000):
  // what a caller with a token can make the server validate.
  '75 unaliased serviceHealth { healthy } (the most fields allowed, merged pairwise)': () =>
    `{ ${repeat(75, () => 'serviceHealth { healthy }')} }`,
  '30 aliases of serviceHealth (the most aliases allowed)': () =>
    `{ ${repeat(30, (i) => `a${i}: serviceHealth { healthy }`)} }`,
  '2,991 tokens (nearly the most tokens allowed)': () =>
    `{ serviceHealth(x: [${repeat(2_979, () => '1', ',')}]) { healthy } }`,
};

interface Served {
  readonly status: number;
  readonly codes: unknown[];
  readonly maxDelayMs: number;
}

describe('no request holds the event loop or memory beyond its budget', () => {
  let world: PortalsWorld;
  let token: string;

  beforeAll(async () => {
    world = await openPortalsWorld();
    token = world.token('acme', ['agent', 'admin', 'auditor', 'operator']);
    // Warm up: the first requests compile code paths that would otherwise count as delay.
    await world.graphql('{ serviceHealth { healthy } }');
    await world.graphql('{ tickets { totalCount } }', {}, token);
  });

  afterAll(() => world.close());

  async function served(query: string, bearer?: string, nonce = ''): Promise<Served> {
    const { result: answer, holdMs } = await measureLoopHold(
      () => world.graphql(`${query}${nonce}`, {}, bearer),
      IDLE_WINDOW_MS,
    );
    return {
      status: answer.status,
      codes: (answer.errors ?? []).map((error) => error.extensions?.code),
      maxDelayMs: holdMs,
    };
  }

  /**
   * The least delay of up to three tries, each net of the machine's noise (measureLoopHold): a request that holds
   * the loop does so every time, while a loaded machine that does not schedule this process for a while, or a
   * major GC, rarely does it three times in a row.
   */
  async function servedAtBest(query: string, bearer?: string): Promise<Served> {
    let best = await served(query, bearer);
    for (let retry = 0; retry < 2 && best.maxDelayMs >= MAX_DELAY_MS; retry++) {
      // Late in the suite's one jest process the heap is large, and a major collection inside the request
      // paused the loop 3.4 s on a loaded machine whatever the request did: collect before trying again.
      gc();
      const again = await served(query, bearer);
      if (again.maxDelayMs < best.maxDelayMs) best = again;
    }
    return best;
  }

  for (const [name, document] of Object.entries(ATTACKS)) {
    it(`${name}: without a token, refused as UNAUTHENTICATED within the budget`, async () => {
      const answer = await servedAtBest(document());
      expect({ name, ...answer, maxDelayMs: answer.maxDelayMs < MAX_DELAY_MS }).toEqual({
        name,
        status: 401,
        codes: ['UNAUTHENTICATED'],
        maxDelayMs: true,
      });
    });

    it(`${name}: with a token, answered within the budget`, async () => {
      const answer = await servedAtBest(document(), token);
      expect({ name, serverFailure: answer.status >= 500 || answer.codes.includes('INTERNAL_SERVER_ERROR') }).toEqual({
        name,
        serverFailure: false,
      });
      expect(answer.maxDelayMs).toBeLessThan(MAX_DELAY_MS);
    });
  }

  it('introspection with a token still works (GraphiQL and codegen send one)', async () => {
    const answer = await world.graphql(getIntrospectionQuery(), {}, token);
    expect({
      errors: answer.errors,
      hasSchema: Boolean((answer.data as { __schema?: unknown } | null)?.__schema),
    }).toEqual({ errors: undefined, hasSchema: true });
  });

  it('answers the serviceHealth query without a token, and nothing else (not even introspection)', async () => {
    expect((await world.graphql('query Health { serviceHealth { healthy eventStore { healthy } } }')).data).toEqual({
      serviceHealth: { healthy: true, eventStore: { healthy: true } },
    });
    for (const query of [
      '{ __schema { types { name } } }',
      '{ serviceHealth { healthy } __type(name: "Query") { name } }',
      '{ h: serviceHealth { healthy } }',
      '{ ...F } fragment F on Query { serviceHealth { healthy } }',
      'query ($x: Boolean!) { serviceHealth @include(if: $x) { healthy } }',
      'mutation { createContact(input: { name: "x" }) { contactId } }',
    ]) {
      const answer = await world.graphql(query);
      expect({ query, status: answer.status, codes: answer.errors?.map((error) => error.extensions?.code) }).toEqual({
        query,
        status: 401,
        codes: ['UNAUTHENTICATED'],
      });
    }
  });

  it('keeps nothing of distinct large or invalid documents once they are answered', async () => {
    gc();
    const before = process.memoryUsage().heapUsed;
    // Distinct documents defeat any cache keyed by the text: each one is new to the server.
    for (let round = 0; round < 3; round++) {
      for (const bearer of [undefined, token]) {
        await world.graphql(`${ATTACKS['40,000 unknown fields (820 KiB, invalid)']()} # ${round}`, {}, bearer);
        await world.graphql(
          `${ATTACKS['5,000 unaliased serviceHealth (field merging is quadratic)']()} # ${round}`,
          {},
          bearer,
        );
      }
    }
    for (let i = 0; i < 300; i++)
      await world.graphql(`{ tickets { totalCount } unknown${i} { ${repeat(50, (j) => `f${j}`)} } }`, {}, token);
    await new Promise((resolve) => setTimeout(resolve, 50));
    gc();
    const retainedMiB = (process.memoryUsage().heapUsed - before) / 1024 / 1024;
    expect(retainedMiB).toBeLessThan(MAX_RETAINED_MIB);
  });
});

/** GRAPHQL_ANONYMOUS_RATE_LIMIT: token-less requests are counted per client address, before their body is read. */
describe('token-less requests are limited per client address', () => {
  let world: PortalsWorld;
  let now = 0;

  beforeAll(async () => {
    world = await openPortalsWorld({
      env: { GRAPHQL_ANONYMOUS_RATE_LIMIT: '0.1', GRAPHQL_ANONYMOUS_RATE_LIMIT_BURST: '3' },
      overrides: { rateLimitNow: () => now },
    });
  });

  afterAll(() => world.close());

  it('refuses the fourth token-less request at once with 429 and Retry-After, but never one with a valid token', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await world.graphql('{ serviceHealth { healthy } }')).status);
    const limited = await world.post('/graphql', JSON.stringify({ query: '{ serviceHealth { healthy } }' }), {
      'content-type': 'application/json',
      authorization: 'Bearer forged',
    });
    expect({
      statuses,
      forged: limited.status,
      retryAfter: limited.headers['retry-after'],
      code: JSON.parse(limited.raw).errors[0].extensions.code,
    }).toEqual({ statuses: [200, 200, 200, 429], forged: 429, retryAfter: '10', code: 'RATE_LIMITED' });
    const token = world.token('acme', ['agent']);
    expect((await world.graphql('{ serviceHealth { healthy } }', {}, token)).status).toBe(200);
    now += 10_000;
    expect((await world.graphql('{ serviceHealth { healthy } }')).status).toBe(200);
  });
});
