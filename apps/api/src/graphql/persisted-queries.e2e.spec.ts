import { createHash } from 'node:crypto';
import { type NotificationsWorld, openNotificationsWorld } from '../notifications/notifications.test-world.js';

const TICKETS = '{ tickets(first: 10) { totalCount nodes { id contactPhone preview } } }';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const persisted = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

interface Answer {
  status: number;
  data?: Record<string, any> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** Apollo's automatic persisted queries over HTTP, on the booted API with two portals. */
describe('automatic persisted queries', () => {
  let world: NotificationsWorld;

  const post = async (body: Record<string, unknown>, token?: string): Promise<Answer> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch(world.url, { method: 'POST', headers, body: JSON.stringify(body) });
    return { status: response.status, ...((await response.json()) as Omit<Answer, 'status'>) };
  };
  const get = async (params: Record<string, string>, token?: string): Promise<Answer> => {
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    const response = await fetch(`${world.url}?${new URLSearchParams(params)}`, { headers });
    return { status: response.status, ...((await response.json()) as Omit<Answer, 'status'>) };
  };
  const codes = (answer: Answer) => answer.errors?.map((error) => error.extensions?.code);

  beforeAll(async () => {
    world = await openNotificationsWorld();
    await world.receive('acme', 'wamid.apq-acme', '+33611111111', 'Only acme may read this');
  });
  afterAll(() => world.close());

  it('answers the hash alone once the query was sent with it, by POST and GET', async () => {
    const query = `query ApqFlow ${TICKETS}`;
    const hash = sha256(query);
    const token = world.token('acme');

    const unknown = await post({ extensions: persisted(hash) }, token);
    expect(unknown).toMatchObject({ status: 400 });
    expect(codes(unknown)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect(unknown.errors![0].message).toBe('PersistedQueryNotFound');

    const registered = await post({ query, extensions: persisted(hash) }, token);
    expect(registered).toMatchObject({ status: 200, data: { tickets: { totalCount: 1 } } });
    expect(registered.errors).toBeUndefined();

    const byHash = await post({ extensions: persisted(hash) }, token);
    expect(byHash).toEqual(registered);
    const byGet = await get({ extensions: JSON.stringify(persisted(hash)) }, token);
    expect(byGet).toEqual(registered);
  });

  it('refuses a hash that is not the SHA-256 of the query sent with it, and keeps nothing', async () => {
    const token = world.token('acme');
    const query = `query ApqMismatch ${TICKETS}`;
    const other = sha256(`query SomethingElse ${TICKETS}`);
    const mismatch = await post({ query, extensions: persisted(other) }, token);
    expect(mismatch).toMatchObject({ status: 400 });
    expect(codes(mismatch)).toEqual(['PERSISTED_QUERY_MISMATCH']);
    expect(codes(await post({ extensions: persisted(other) }, token))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });

  it('refuses a hash of another shape or version as not supported', async () => {
    const token = world.token('acme');
    for (const persistedQuery of [
      { version: 1, sha256Hash: 'ABC' },
      { version: 1, sha256Hash: sha256(TICKETS).toUpperCase() },
      { version: 2, sha256Hash: sha256(TICKETS) },
      { version: 1, sha256Hash: { toString: 'x' } },
    ]) {
      const answer = await post({ extensions: { persistedQuery } }, token);
      expect(answer).toMatchObject({ status: 400 });
      expect(codes(answer)).toEqual(['PERSISTED_QUERY_NOT_SUPPORTED']);
    }
  });

  it('budgets a persisted query like any other, and never keeps a refused one', async () => {
    const token = world.token('acme');
    // 151 fields: over GRAPHQL_MAX_FIELDS (150), refused before validation.
    const query = `{ ${Array.from({ length: 151 }, () => '__typename').join(' ')} }`;
    const hash = sha256(query);
    const refused = await post({ query, extensions: persisted(hash) }, token);
    expect(refused).toMatchObject({ status: 400, data: null });
    expect(codes(refused)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(codes(await post({ extensions: persisted(hash) }, token))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);

    // Too deep for the query limits (validation), once more: refused, and not kept.
    const tower = `{ __type(name: "Query") { fields { type { ${'ofType { '.repeat(18)}name${' }'.repeat(18)} } } } }`;
    const deep = await post({ query: tower, extensions: persisted(sha256(tower)) }, token);
    expect(codes(deep)).toEqual(['QUERY_TOO_DEEP']);
    expect(codes(await post({ extensions: persisted(sha256(tower)) }, token))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });

  it('wants a valid token before looking a hash up, even for a stored one', async () => {
    const query = `query ApqNoToken ${TICKETS}`;
    const hash = sha256(query);
    expect((await post({ query, extensions: persisted(hash) }, world.token('acme'))).status).toBe(200);

    for (const token of [undefined, 'not-a-token', world.token('acme', ['agent'], -60)]) {
      const stored = await post({ extensions: persisted(hash) }, token);
      expect(stored).toMatchObject({ status: 401 });
      expect(stored.data).toBeFalsy();
      expect(codes(stored)).toEqual(['UNAUTHENTICATED']);
      // The same answer for a hash nobody sent: no telling which documents were sent lately.
      const unknown = await post({ extensions: persisted(sha256('{ nothing }')) }, token);
      expect({ status: unknown.status, codes: codes(unknown) }).toEqual({ status: 401, codes: ['UNAUTHENTICATED'] });
      const byGet = await get({ extensions: JSON.stringify(persisted(hash)) }, token);
      expect({ status: byGet.status, codes: codes(byGet) }).toEqual({ status: 401, codes: ['UNAUTHENTICATED'] });
    }
    // Not even the anonymous health query goes by hash; in full, it still does.
    const health = '{ serviceHealth { healthy } }';
    const anonymous = await post({ query: health, extensions: persisted(sha256(health)) });
    expect(codes(anonymous)).toEqual(['UNAUTHENTICATED']);
    expect(await post({ query: health })).toMatchObject({ status: 200, data: { serviceHealth: { healthy: true } } });
  });

  it("answers a hash another portal stored with the caller's own data", async () => {
    const query = `query ApqTenancy ${TICKETS}`;
    const hash = sha256(query);
    const acme = await post({ query, extensions: persisted(hash) }, world.token('acme'));
    expect(acme).toMatchObject({ status: 200, data: { tickets: { totalCount: 1 } } });
    expect(JSON.stringify(acme)).toContain('Only acme may read this');

    const globex = await post({ extensions: persisted(hash) }, world.token('globex'));
    expect(globex).toEqual({ status: 200, data: { tickets: { totalCount: 0, nodes: [] } } });
  });
});

describe('automatic persisted queries turned off (APQ_CACHE_SIZE=0)', () => {
  let world: NotificationsWorld;
  beforeAll(async () => {
    world = await openNotificationsWorld({ APQ_CACHE_SIZE: '0' });
  });
  afterAll(() => world.close());

  it('answers the query sent with a hash and keeps nothing', async () => {
    const query = `query ApqOff ${TICKETS}`;
    const extensions = persisted(sha256(query));
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${world.token('acme')}` };
    const send = async (body: unknown) => {
      const response = await fetch(world.url, { method: 'POST', headers, body: JSON.stringify(body) });
      return { status: response.status, ...((await response.json()) as Omit<Answer, 'status'>) };
    };
    expect(await send({ query, extensions })).toMatchObject({ status: 200, data: { tickets: { totalCount: 0 } } });
    const byHash = await send({ extensions });
    expect(byHash.status).toBe(400);
    expect(byHash.data).toBeFalsy();
  });
});
