import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { getIntrospectionQuery } from 'graphql';
import { type PortalsWorld, openPortalsWorld } from './portals.world.js';

// A full GC on demand, without asking jest to start node with --expose-gc.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const MiB = 1024 * 1024;
const CACHE_MB = 4;
/** Room for what the service allocates for itself meanwhile (compiled code, pools), not for the cache. */
const MARGIN_MIB = 6;
/**
 * 120 of the largest documents, each parsed and validated: seconds on a quiet machine, more than
 * jest's 30 s on a loaded one (it failed so once). The test is about memory, not time.
 */
const MANY_LARGE_DOCUMENTS_MS = 300_000;

const repeat = (count: number, item: (i: number) => string, separator = ' ') =>
  Array.from({ length: count }, (_, i) => item(i)).join(separator);

/**
 * The largest documents the edge limits allow (GRAPHQL_MAX_TOKENS 3,000 at the defaults), distinct
 * by their alias: a valid one (2,979 enum values in a list argument: the most syntax tree per
 * token) and an invalid one (unknown enum values: validation's 100 errors and more, each naming its value).
 */
const largestValid = (i: number) =>
  `{ t${i}: tickets(filter: { status: [${repeat(2_979, () => 'OPEN')}] }, first: 1) { totalCount } }`;
const largestInvalid = (i: number) =>
  `{ t${i}: tickets(filter: { status: [${repeat(2_979, (j) => `V${j}`)}] }, first: 1) { totalCount } }`;

/**
 * GRAPHQL_DOCUMENT_CACHE_MB: the cache of valid documents keeps their text and syntax tree, never a
 * result or a caller, and never more memory than its budget, however many distinct large documents
 * arrive; a document refused (by the budget, validation or authentication) is never kept.
 */
describe('the cache of valid documents', () => {
  let world: PortalsWorld;
  let acme: string;
  let globex: string;

  beforeAll(async () => {
    world = await openPortalsWorld({ env: { GRAPHQL_DOCUMENT_CACHE_MB: String(CACHE_MB) } });
    acme = world.token('acme', ['agent', 'admin']);
    globex = world.token('globex', ['agent', 'admin']);
    await world.graphql('{ tickets { totalCount } }', {}, acme);
  });

  afterAll(() => world.close());

  it(
    'keeps no more than its budget of the largest documents the limits allow, valid or not',
    async () => {
      expect(largestValid(0).length).toBeLessThan(32_768);
      const first = await world.graphql(largestValid(0), {}, acme);
      const refused = await world.graphql(largestInvalid(0), {}, acme);
      expect({ valid: first.errors, invalid: refused.errors?.length }).toEqual({ valid: undefined, invalid: 101 });
      gc();
      const before = process.memoryUsage().heapUsed;
      // Unbounded, these would keep about 40 MiB (about 240 KiB a valid one, 500 KiB an invalid one).
      for (let i = 1; i <= 80; i++) {
        await world.graphql(largestValid(i), {}, acme);
        if (i % 2 === 0) await world.graphql(largestInvalid(i), {}, acme);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      gc();
      const retainedMiB = (process.memoryUsage().heapUsed - before) / MiB;
      expect(retainedMiB).toBeLessThan(CACHE_MB + MARGIN_MIB);
    },
    MANY_LARGE_DOCUMENTS_MS,
  );

  it('answers each portal from its own data for the same document (results are never cached)', async () => {
    const created = await world.graphql(
      'mutation ($i: CreateViewInput!) { createView(input: $i) { viewId position } }',
      { i: { name: 'Acme only', sharing: 'EVERYONE', filters: [] } },
      acme,
    );
    expect(created.errors).toBeUndefined();
    // Read-your-writes as the API offers it: the mutation's position, passed on (the views read model is applied apart).
    const at = (created.data as { createView: { position: string } }).createView.position;
    const views = 'query ($at: String) { views(atLeastPosition: $at) { name } }';
    const names = async (token: string) =>
      ((await world.graphql(views, { at }, token)).data as { views: { name: string }[] }).views.map(
        (view) => view.name,
      );
    expect(await names(acme)).toContain('Acme only');
    expect(await names(globex)).not.toContain('Acme only');
    expect(await names(acme)).toContain('Acme only');
  });

  it('refuses again what it refused: over the budget, invalid, or without a token, however often it is sent', async () => {
    const overBudget = `{ ${repeat(31, (i) => `a${i}: serviceHealth { healthy }`)} }`;
    const invalid = '{ tickets { nope } }';
    const known = '{ tickets { totalCount } }';
    for (let round = 0; round < 2; round++) {
      const answers = [
        await world.graphql(overBudget, {}, acme),
        await world.graphql(invalid, {}, acme),
        await world.graphql(known),
        await world.graphql(known, {}, 'forged'),
      ];
      expect(answers.map((answer) => [answer.status, answer.errors?.[0]?.extensions?.code])).toEqual([
        [400, 'QUERY_TOO_COMPLEX'],
        [400, 'GRAPHQL_VALIDATION_FAILED'],
        [401, 'UNAUTHENTICATED'],
        [401, 'UNAUTHENTICATED'],
      ]);
      // An invalid document refused by the request budget answers as Mercurius did, with its location.
      expect(answers[1].errors).toEqual([
        {
          message: 'Cannot query field "nope" on type "TicketConnection". Did you mean "nodes"?',
          locations: [{ line: 1, column: 13 }],
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
        },
      ]);
    }
  });

  it('still refuses a mutation over GET, even when its text was answered over POST', async () => {
    const document = 'mutation ($i: CreateViewInput!) { createView(input: $i) { viewId } }';
    const variables = { i: { name: 'By POST', sharing: 'ONLY_ME', filters: [] } };
    expect((await world.graphql(document, variables, acme)).errors).toBeUndefined();
    const url = `/graphql?query=${encodeURIComponent(document)}&variables=${encodeURIComponent(JSON.stringify(variables))}`;
    const overGet = await world.request('GET', url, { authorization: `Bearer ${acme}` });
    expect(overGet.status).toBe(405);
  });

  it('keeps introspection for callers with a token only, even once an introspection query is known', async () => {
    const introspection = getIntrospectionQuery();
    const withToken = await world.graphql(introspection, {}, acme);
    expect(withToken.errors).toBeUndefined();
    expect((await world.graphql(introspection, {}, acme)).errors).toBeUndefined();
    const without = await world.graphql(introspection);
    expect({ status: without.status, code: without.errors?.[0]?.extensions?.code }).toEqual({
      status: 401,
      code: 'UNAUTHENTICATED',
    });
  });
});
