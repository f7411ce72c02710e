import { getIntrospectionQuery } from 'graphql';
import { type NotificationsWorld, openNotificationsWorld } from '../notifications/notifications.test-world.js';

const ROW =
  'id conversationId status ownerId phoneNumberId businessPhone contactPhone contactId preview lastMessageId unreadCount createdAt updatedAt';

/** The limits on the booted API: refused before any resolver runs, with a code and the numbers. */
describe('query limits over HTTP', () => {
  let world: NotificationsWorld;
  let token: string;
  beforeAll(async () => {
    world = await openNotificationsWorld();
    token = world.token('acme');
  });
  afterAll(() => world.close());

  it('answers a page of 100 tickets with every field', async () => {
    const answer = await world.graphql(
      `{ tickets(first: 100) { totalCount nodes { ${ROW} } pageInfo { endCursor hasNextPage } } }`,
      {},
      token,
    );
    expect(answer).toMatchObject({ status: 200, data: { tickets: { totalCount: 0 } } });
    expect(answer.errors).toBeUndefined();
  });

  it('refuses an operation nested too deep with QUERY_TOO_DEEP', async () => {
    // The API's own types nest at most 7 deep today; introspection types nest without end.
    const tower = `{ __type(name: "Query") { fields { type { ${'ofType { '.repeat(18)}name${' }'.repeat(18)} } } } }`;
    const answer = await world.graphql(tower, {}, token);
    expect(answer).toMatchObject({ status: 400, data: null });
    expect(answer.errors).toEqual([
      expect.objectContaining({
        message: 'Introspection Query depth 22 exceeds the limit of 20: ask for fewer nested fields',
        extensions: { code: 'QUERY_TOO_DEEP', depth: 22, maxDepth: 20 },
      }),
    ]);
  });

  it('refuses too many rows at once (aliases count too) with QUERY_TOO_COMPLEX', async () => {
    const pages = Array.from(
      { length: 8 },
      (_, index) => `p${index}: tickets(first: $first) { nodes { ${ROW} } }`,
    ).join(' ');
    const answer = await world.graphql(`query($first: Int) { ${pages} }`, { first: 5 }, token);
    expect(answer).toMatchObject({ status: 400, data: null });
    expect(answer.errors).toEqual([
      expect.objectContaining({
        extensions: { code: 'QUERY_TOO_COMPLEX', cost: 8 * (1 + 1 + 100 * 13), maxCost: 10_000 },
      }),
    ]);
    // The same with literal page sizes counts what is asked for.
    const small = await world.graphql(`{ ${pages.replaceAll('$first', '5')} }`, {}, token);
    expect(small.errors).toBeUndefined();
  });

  it("lets GraphiQL's schema introspection through", async () => {
    const answer = await world.graphql(
      getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }),
      {},
      token,
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.__schema.subscriptionType).toMatchObject({ name: 'Subscription' });
  });
});
