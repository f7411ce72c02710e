import { ReceiveInboundMessageCommand } from '@helpdesk/commands/conversation/receive-inbound-message.handler.js';
import { connectAccount } from '../channel/channel.test-world.js';
import { type TicketsWorld, acme, openTicketsWorld } from '../conversation/tickets.test-world.js';
import { logHead } from '../graphql/read-your-writes.test-world.js';

const PORTAL_FIELDS =
  'id name timeZone subscriptionStartedOn monthlyConversationLimit monthlyLimits { limit effectiveFrom } readReceiptsToContacts suspended { reason since }';
const REGISTER = `mutation($input: RegisterPortalInput!) { registerPortal(input: $input) { ${PORTAL_FIELDS} } }`;
const CHANGE_LIMIT = `mutation($input: ChangeMonthlyLimitInput!) { changeMonthlyLimit(input: $input) { ${PORTAL_FIELDS} } }`;
const PORTAL = `{ portal { ${PORTAL_FIELDS} } }`;
const QUOTA = `query($at: String) { quotaUsage(atLeastPosition: $at) { periodKey limit used resetsAt } }`;
const SUSPEND = `mutation($input: SuspendPortalInput!) { suspendPortal(input: $input) { id suspended { reason since } } }`;
const RESUME = `mutation($input: ResumePortalInput!) { resumePortal(input: $input) { id suspended { reason } } }`;
const REPLY = `mutation($input: ReplyToConversationInput!) { replyToConversation(input: $input) { messageId position } }`;

const initech = {
  portalId: 'initech',
  name: 'Initech',
  timeZone: 'America/New_York',
  subscriptionStartedOn: '2024-01-31',
  monthlyConversationLimit: 5,
};
const codeOf = (answer: { errors?: { extensions?: Record<string, unknown> }[] }) =>
  answer.errors?.[0]?.extensions?.code;

/** A new customer set up over GraphQL only: the operator registers the portal, its admin runs it. */
describe('portals over GraphQL', () => {
  let world: TicketsWorld;
  let operator: string;
  let admin: string;

  beforeAll(async () => {
    world = await openTicketsWorld();
    world.clock.set('2024-11-05T09:00:00.000Z');
    operator = await world.token('platform', 'operator', 'ops-1');
    admin = await world.token('initech', 'admin', 'admin-1');
  });

  afterAll(() => world.close());

  it('knows no portal before it is registered', async () => {
    const answer = await world.graphql(PORTAL, {}, admin);
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.portal).toBeNull();
  });

  it('lets only an operator register one, and refuses bad settings before recording anything', async () => {
    for (const role of ['agent', 'admin', 'auditor']) {
      const token = await world.token('initech', role);
      expect(codeOf(await world.graphql(REGISTER, { input: initech }, token))).toBe('FORBIDDEN');
    }
    const bad: [Partial<typeof initech>, string][] = [
      [{ portalId: 'Not An Id' }, 'BAD_USER_INPUT'],
      [{ portalId: 'x'.repeat(64) }, 'BAD_USER_INPUT'],
      [{ timeZone: 'Mars/Olympus_Mons' }, 'INVALID_TIME_ZONE'],
      [{ subscriptionStartedOn: '2024-02-30' }, 'INVALID_DATE'],
      [{ monthlyConversationLimit: -1 }, 'BAD_USER_INPUT'],
    ];
    for (const [change, code] of bad) {
      expect(codeOf(await world.graphql(REGISTER, { input: { ...initech, ...change } }, operator))).toBe(code);
    }
    expect((await world.graphql(PORTAL, {}, admin)).data?.portal).toBeNull();
  });

  it('registers the portal; its people see its settings, and a second registration changes nothing', async () => {
    const answer = await world.graphql(REGISTER, { input: initech }, operator);
    expect(answer.errors).toBeUndefined();
    const expected = {
      id: 'initech',
      name: 'Initech',
      timeZone: 'America/New_York',
      subscriptionStartedOn: '2024-01-31',
      monthlyConversationLimit: 5,
      monthlyLimits: [{ limit: 5, effectiveFrom: '2024-11-05T09:00:00.000Z' }],
      readReceiptsToContacts: true,
      suspended: null,
    };
    expect(answer.data?.registerPortal).toEqual(expected);
    expect((await world.graphql(PORTAL, {}, admin)).data?.portal).toEqual(expected);

    const again = await world.graphql(REGISTER, { input: { ...initech, monthlyConversationLimit: 9 } }, operator);
    expect(codeOf(again)).toBe('PORTAL_ALREADY_REGISTERED');
    expect(codeOf(await world.graphql(REGISTER, { input: { ...initech, portalId: acme } }, operator))).toBe(
      'PORTAL_ALREADY_REGISTERED',
    );
    expect((await world.graphql(PORTAL, {}, admin)).data?.portal).toEqual(expected);
  });

  it('counts its conversations: a reply is no longer PORTAL_NOT_FOUND and quotaUsage resets on the last day of shorter months', async () => {
    await connectAccount(world, 'initech', {
      accountId: 'initech-account',
      name: 'Initech support',
      timeZone: 'America/New_York',
      verified: true,
      numbers: [['300000000000001', '+15550003333']],
    });
    const content = { kind: 'text', body: 'Hello Initech' } as const;
    const message = {
      phoneNumberId: '300000000000001',
      wamid: 'wamid.initech-1',
      from: '+33612340000',
      sentAt: world.clock.now().toISOString(),
      content,
    };
    const { conversationId } = await world.bus.execute(new ReceiveInboundMessageCommand(message));
    const agent = await world.token('initech', 'agent');
    const reply = await world.graphql(REPLY, { input: { conversationId, text: 'How can we help?' } }, agent);
    expect(reply.errors).toBeUndefined();

    const quota = await world.graphql(QUOTA, { at: await logHead(world) }, agent);
    expect(quota.errors).toBeUndefined();
    // Started on the 31st: the November period (from 31 October) ends on 30 November, local midnight in New York.
    expect(quota.data?.quotaUsage).toEqual({
      periodKey: '2024-10-31',
      limit: 5,
      used: 0,
      resetsAt: '2024-11-30T05:00:00.000Z',
    });
  });

  it("lets the portal's admin change its monthly limit, once per decision, and nobody else", async () => {
    const input = { limit: 8, effectiveFrom: '2024-11-10T00:00:00-05:00' };
    for (const role of ['agent', 'auditor', 'operator']) {
      const token = await world.token('initech', role);
      expect(codeOf(await world.graphql(CHANGE_LIMIT, { input }, token))).toBe('FORBIDDEN');
    }
    const changed = await world.graphql(CHANGE_LIMIT, { input }, admin);
    expect(changed.errors).toBeUndefined();
    expect(changed.data?.changeMonthlyLimit).toMatchObject({
      monthlyConversationLimit: 5,
      monthlyLimits: [
        { limit: 5, effectiveFrom: '2024-11-05T09:00:00.000Z' },
        { limit: 8, effectiveFrom: '2024-11-10T05:00:00.000Z' },
      ],
    });
    const again = await world.graphql(CHANGE_LIMIT, { input }, admin);
    expect((again.data?.changeMonthlyLimit as { monthlyLimits: unknown[] }).monthlyLimits).toHaveLength(2);

    world.clock.set('2024-11-10T05:00:00.000Z');
    expect((await world.graphql(PORTAL, {}, admin)).data?.portal).toMatchObject({ monthlyConversationLimit: 8 });
    const otherAdmin = await world.token(acme, 'admin');
    expect((await world.graphql(PORTAL, {}, otherAdmin)).data?.portal).toMatchObject({ id: acme });
    expect(codeOf(await world.graphql(CHANGE_LIMIT, { input: { ...input, limit: -3 } }, admin))).toBe('BAD_USER_INPUT');
  });

  it('suspends a portal: nothing is sent for it, its inbound messages are still received; resumed, it sends again', async () => {
    const agent = await world.token('initech', 'agent');
    const receive = (wamid: string) =>
      world.bus.execute(
        new ReceiveInboundMessageCommand({
          phoneNumberId: '300000000000001',
          wamid,
          from: '+33612340000',
          sentAt: world.clock.now().toISOString(),
          content: { kind: 'text', body: 'Anyone there?' },
        }),
      );
    for (const role of ['agent', 'admin', 'auditor']) {
      const token = await world.token('initech', role);
      const input = { portalId: 'initech', reason: 'unpaid' };
      expect(codeOf(await world.graphql(SUSPEND, { input }, token))).toBe('FORBIDDEN');
    }
    const suspended = await world.graphql(
      SUSPEND,
      { input: { portalId: 'initech', reason: 'unpaid invoice' } },
      operator,
    );
    expect(suspended.data?.suspendPortal).toEqual({
      id: 'initech',
      suspended: { reason: 'unpaid invoice', since: world.clock.now().toISOString() },
    });

    const { conversationId, recorded } = await receive('wamid.initech-suspended');
    expect(recorded).toContain('InboundMessageReceived');
    const reply = await world.graphql(REPLY, { input: { conversationId, text: 'Yes!' } }, agent);
    expect(codeOf(reply)).toBe('PORTAL_SUSPENDED');
    expect((await world.graphql(PORTAL, {}, agent)).data?.portal).toMatchObject({
      suspended: { reason: 'unpaid invoice' },
    });

    const resumed = await world.graphql(RESUME, { input: { portalId: 'initech' } }, operator);
    expect(resumed.data?.resumePortal).toEqual({ id: 'initech', suspended: null });
    const again = await world.graphql(REPLY, { input: { conversationId, text: 'Yes, sorry!' } }, agent);
    expect(again.errors).toBeUndefined();
  });
});
