import { DisconnectAccountCommand } from '@helpdesk/commands/channel/disconnect-account.handler.js';
import { RegisterTemplateCommand } from '@helpdesk/commands/template/register-template.handler.js';
import { RejectTemplateCommand } from '@helpdesk/commands/template/reject-template.handler.js';
import { connectAccount } from '../channel/channel.test-world.js';
import { type TicketsWorld, acme, admin, globex, openTicketsWorld, template } from '../conversation/tickets.test-world.js';
import { logHead } from '../graphql/read-your-writes.test-world.js';
import { createContact } from './contact.test-world.js';

const CHANNELS = `query($at: String) {
  channels(atLeastPosition: $at) { id wabaId name timeZone status verified disconnectedAt phoneNumbers { phoneNumberId displayNumber } }
}`;
const TEMPLATES = `query($accountId: ID) {
  templates(accountId: $accountId) {
    accountId name language category status body header { kind text } buttons { kind text url } rejectionReason reviewedAt
  }
}`;
const CONTACTS = `query($first: Int, $after: String) {
  contacts(first: $first, after: $after) { totalCount totalCountCapped nodes { id name phoneNumber mobilePhoneNumber } pageInfo { endCursor hasNextPage } }
}`;
const BY_PHONE = 'query($phone: String!) { contactsByPhone(phone: $phone) { id name phoneNumber mobilePhoneNumber } }';

/** Channels, templates and contacts of the directory read model over GraphQL, each portal seeing only its own. */
describe('directory GraphQL API', () => {
  let world: TicketsWorld;
  let agent: string;
  let other: string;

  beforeAll(async () => {
    world = await openTicketsWorld();
    agent = await world.token(acme, 'agent');
    other = await world.token(globex, 'agent,admin,auditor');
    const london = { accountId: 'account-2', name: 'acme Sales', timeZone: 'Europe/London', verified: false };
    await connectAccount(world, acme, { ...london, numbers: [['200000000000001', '+15550002222'], ['200000000000002', '+15550003333']] });
    const oldLine = { accountId: 'account-3', name: 'Old line', timeZone: 'UTC', verified: false };
    await connectAccount(world, acme, { ...oldLine, numbers: [['300000000000001', '+15550004444']] });
    await world.bus.execute(new DisconnectAccountCommand(admin(acme), { accountId: 'account-3' }));
    const globexLine = { accountId: 'account-g', name: 'Globex', timeZone: 'America/New_York', verified: true };
    await connectAccount(world, globex, { ...globexLine, numbers: [['900000000000001', '+15550009999']] });
    const promo = { accountId: 'account-2', name: 'promo', language: 'fr', category: 'marketing', body: 'Soldes {{1}}' } as const;
    const buttons = [{ kind: 'url', text: 'Voir', url: 'https://acme.example' }] as const;
    await world.bus.execute(new RegisterTemplateCommand(admin(acme), { ...promo, header: { kind: 'text', text: 'Soldes' }, buttons }));
    const { accountId, name, language } = promo;
    await world.bus.execute(new RejectTemplateCommand(admin(acme), { accountId, name, language, reason: 'Promotional content' }));
    const welcome = { accountId: 'account-g', name: 'welcome', language: 'en_US', category: 'utility', body: 'Hi' } as const;
    await world.bus.execute(new RegisterTemplateCommand(admin(globex), welcome));
    for (const [id, name] of [['c-eve', 'Eve'], ['c-ada', 'ada Lovelace'], ['c-carla', 'Carla'], ['c-bob', 'Bob']] as const) {
      await createContact(world, acme, id, name, id === 'c-ada' ? { mobile: '+33 6 12 34 56 78' } : {});
    }
    await createContact(world, acme, 'c-dan', 'Dan', { phone: '+33612345678' });
    await createContact(world, globex, 'g-ada', 'Globex Ada', { phone: '+33612345678' });
    // Read-your-writes on the log's end: every read below sees all of the above.
    expect((await world.graphql(CHANNELS, { at: await logHead(world) }, agent)).errors).toBeUndefined();
  });

  afterAll(() => world.close());

  it("lists the portal's channels by name (case aside) with numbers, status, verification and time zone", async () => {
    const answer = await world.graphql(CHANNELS, {}, agent);
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.channels).toEqual([
      { id: 'account-2', wabaId: 'waba-account-2', name: 'acme Sales', timeZone: 'Europe/London', status: 'CONNECTED', verified: false,
        disconnectedAt: null, phoneNumbers: [
          { phoneNumberId: '200000000000001', displayNumber: '+15550002222' },
          { phoneNumberId: '200000000000002', displayNumber: '+15550003333' },
        ] },
      { id: 'account-1', wabaId: 'waba-1', name: 'Acme support', timeZone: 'Europe/Paris', status: 'CONNECTED', verified: true,
        disconnectedAt: null,
        phoneNumbers: [{ phoneNumberId: '106540352242922', displayNumber: '+15550001111' }] },
      { id: 'account-3', wabaId: 'waba-account-3', name: 'Old line', timeZone: 'UTC', status: 'DISCONNECTED', verified: false,
        disconnectedAt: expect.any(String), phoneNumbers: [] },
    ]);
    expect((await world.graphql(CHANNELS, {}, other)).data?.channels).toMatchObject([{ id: 'account-g', name: 'Globex' }]);
  });

  it("lists templates, of one channel when asked, whatever their review; another portal's account gives none", async () => {
    const all = (await world.graphql(TEMPLATES, {}, agent)).data?.templates as { name: string; status: string }[];
    expect(all.map(({ name, status }) => [name, status])).toEqual([['order_ready', 'APPROVED'], ['promo', 'REJECTED']]);
    expect((await world.graphql(TEMPLATES, { accountId: 'account-2' }, agent)).data?.templates).toEqual([
      { accountId: 'account-2', name: 'promo', language: 'fr', category: 'MARKETING', status: 'REJECTED', body: 'Soldes {{1}}',
        header: { kind: 'TEXT', text: 'Soldes' }, buttons: [{ kind: 'URL', text: 'Voir', url: 'https://acme.example' }],
        rejectionReason: 'Promotional content', reviewedAt: expect.any(String) },
    ]);
    expect((await world.graphql(TEMPLATES, { accountId: template.accountId }, other)).data).toEqual({ templates: [] });
    expect((await world.graphql(TEMPLATES, {}, other)).data?.templates).toMatchObject([{ accountId: 'account-g', name: 'welcome' }]);
  });

  it('pages through contacts by name, case aside, and refuses a cursor it did not hand out', async () => {
    const names: string[] = [];
    let after: string | null = null;
    do {
      const answer = await world.graphql(CONTACTS, { first: 2, after }, agent);
      const page = answer.data?.contacts as { totalCount: number; nodes: { name: string }[]; pageInfo: { endCursor: string | null } };
      expect(page.totalCount).toBe(5);
      names.push(...page.nodes.map((node) => node.name));
      after = page.pageInfo.endCursor;
    } while (after);
    expect(names).toEqual(['ada Lovelace', 'Bob', 'Carla', 'Dan', 'Eve']);
    expect((await world.graphql(CONTACTS, {}, other)).data?.contacts).toMatchObject({ totalCount: 1, totalCountCapped: false, nodes: [{ id: 'g-ada' }] });
    const bad = await world.graphql(CONTACTS, { after: 'bm9wZQ' }, agent);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'after' }] });
  });

  it('finds contacts by either number in any dialable spelling, only in the caller\'s portal', async () => {
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
    for (const query of [CHANNELS, TEMPLATES, CONTACTS]) {
      expect((await world.graphql(query, {}, auditor)).errors).toBeUndefined();
      expect((await world.graphql(query, {}, await world.token(acme, 'operator'))).errors?.[0].extensions?.code).toBe('FORBIDDEN');
      expect((await world.graphql(query, {})).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    }
  });
});
