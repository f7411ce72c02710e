import { type TicketsWorld, acme, globex, openTicketsWorld } from '../conversation/tickets.test-world.js';
import { logHead } from '../graphql/read-your-writes.test-world.js';
import { createContact } from './contact.test-world.js';

const CONTACTS = `query($first: Int, $after: String) {
  contacts(first: $first, after: $after) { totalCount totalCountCapped nodes { id name phoneNumber mobilePhoneNumber } pageInfo { endCursor hasNextPage } }
}`;
const BY_PHONE = 'query($phone: String!) { contactsByPhone(phone: $phone) { id name phoneNumber mobilePhoneNumber } }';
const WAIT = 'query($at: String) { contacts(atLeastPosition: $at) { totalCount } }';

/** Contacts of the directory read model over GraphQL, each portal seeing only its own. */
describe('contacts GraphQL API', () => {
  let world: TicketsWorld;
  let agent: string;
  let other: string;

  beforeAll(async () => {
    world = await openTicketsWorld();
    agent = await world.token(acme, 'agent');
    other = await world.token(globex, 'agent,admin,auditor');
    for (const [id, name] of [
      ['c-eve', 'Eve'],
      ['c-ada', 'ada Lovelace'],
      ['c-carla', 'Carla'],
      ['c-bob', 'Bob'],
    ] as const) {
      await createContact(world, acme, id, name, id === 'c-ada' ? { mobile: '+33 6 12 34 56 78' } : {});
    }
    await createContact(world, acme, 'c-dan', 'Dan', { phone: '+33612345678' });
    await createContact(world, globex, 'g-ada', 'Globex Ada', { phone: '+33612345678' });
    // Read-your-writes on the log's end: every read below sees all of the above.
    expect((await world.graphql(WAIT, { at: await logHead(world) }, agent)).errors).toBeUndefined();
  });

  afterAll(() => world.close());

  it('pages through contacts by name, case aside, and refuses a cursor it did not hand out', async () => {
    const names: string[] = [];
    let after: string | null = null;
    do {
      const answer = await world.graphql(CONTACTS, { first: 2, after }, agent);
      const page = answer.data?.contacts as {
        totalCount: number;
        nodes: { name: string }[];
        pageInfo: { endCursor: string | null };
      };
      expect(page.totalCount).toBe(5);
      names.push(...page.nodes.map((node) => node.name));
      after = page.pageInfo.endCursor;
    } while (after);
    expect(names).toEqual(['ada Lovelace', 'Bob', 'Carla', 'Dan', 'Eve']);
    expect((await world.graphql(CONTACTS, {}, other)).data?.contacts).toMatchObject({
      totalCount: 1,
      totalCountCapped: false,
      nodes: [{ id: 'g-ada' }],
    });
    const bad = await world.graphql(CONTACTS, { after: 'bm9wZQ' }, agent);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'after' }] });
  });

  it("finds contacts by either number in any dialable spelling, only in the caller's portal", async () => {
    const found = await world.graphql(BY_PHONE, { phone: '+33 (0)6 12 34 56 78' }, agent);
    expect(found.errors).toBeUndefined();
    expect(found.data?.contactsByPhone).toEqual([
      { id: 'c-ada', name: 'ada Lovelace', phoneNumber: null, mobilePhoneNumber: '+33612345678' },
      { id: 'c-dan', name: 'Dan', phoneNumber: '+33612345678', mobilePhoneNumber: null },
    ]);
    expect((await world.graphql(BY_PHONE, { phone: '+33612345678' }, other)).data?.contactsByPhone).toEqual([
      { id: 'g-ada', name: 'Globex Ada', phoneNumber: '+33612345678', mobilePhoneNumber: null },
    ]);
    const invalid = await world.graphql(BY_PHONE, { phone: 'call me maybe' }, agent);
    expect(invalid.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'phone' }] });
    expect(invalid.raw).not.toContain('call me maybe');
  });

  it('lets auditors read too, and nobody without a token or a reading role', async () => {
    const auditor = await world.token(acme, 'auditor');
    expect((await world.graphql(CONTACTS, {}, auditor)).errors).toBeUndefined();
    expect((await world.graphql(CONTACTS, {}, await world.token(acme, 'operator'))).errors?.[0].extensions?.code).toBe(
      'FORBIDDEN',
    );
    expect((await world.graphql(CONTACTS, {})).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});
