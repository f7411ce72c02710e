import { later } from '@helpdesk/commands/conversation/conversation.test-world.js';
import { ReceiveInboundMessageCommand } from '@helpdesk/commands/conversation/receive-inbound-message.handler.js';
import { connectAccount } from '../channel/channel.test-world.js';
import { ApproveTemplateCommand } from '@helpdesk/commands/template/approve-template.handler.js';
import { RegisterTemplateCommand } from '@helpdesk/commands/template/register-template.handler.js';
import {
  RECEIVED_AT,
  type TicketsWorld,
  acme,
  admin,
  contactPhone,
  globex,
  openTicketsWorld,
  phoneNumberId,
  template,
} from '../conversation/tickets.test-world.js';

const QUOTA = `query($key: String, $at: String) {
  quotaUsage(periodKey: $key, atLeastPosition: $at) { periodKey startsAt resetsAt used limit remaining }
}`;
const DAILY = `query($accountId: ID!, $day: String, $at: String) {
  dailyUsage(accountId: $accountId, day: $day, atLeastPosition: $at) { accountId day businessInitiated cap remaining }
}`;
const SEND = 'mutation($input: SendTemplateInput!) { sendTemplate(input: $input) { position } }';
const salesNumber = '200000000000001';
const sales = { accountId: 'account-2', name: 'acme Sales', timeZone: 'Europe/London', verified: false };
/** A day and an hour after the contact wrote: the session is closed, so a template is business-initiated. */
const NEXT_DAY = later(RECEIVED_AT, 25 * 3_600_000);

/** The quota read model over GraphQL: the portal's monthly conversations and an account's daily cap. */
describe('quota usage GraphQL API', () => {
  let world: TicketsWorld;
  let agent: string;
  let at: string;

  const sendTemplateOn = async (number: string, accountId: string) => {
    world.clock.set(RECEIVED_AT);
    const content = { kind: 'text', body: 'Hi' } as const;
    const message = {
      phoneNumberId: number,
      wamid: `wamid.${number}`,
      from: contactPhone,
      sentAt: RECEIVED_AT,
      content,
    };
    const { conversationId } = await world.bus.execute(new ReceiveInboundMessageCommand(message));
    world.clock.set(NEXT_DAY);
    const { name, language } = template;
    const input = { conversationId, name, language, bodyParameters: ['Ada', 'A-42'], idempotencyKey: accountId };
    const sent = await world.graphql(SEND, { input }, agent);
    expect(sent.errors).toBeUndefined();
    return (sent.data?.sendTemplate as { position: string }).position;
  };

  beforeAll(async () => {
    world = await openTicketsWorld();
    agent = await world.token(acme, 'agent');
    await connectAccount(world, acme, { ...sales, numbers: [[salesNumber, '+15550002222']] });
    const salesTemplate = { ...template, accountId: sales.accountId };
    const body = 'Hi {{1}}, your order {{2}} is ready.';
    await world.bus.execute(new RegisterTemplateCommand(admin(acme), { ...salesTemplate, category: 'utility', body }));
    await world.bus.execute(new ApproveTemplateCommand(admin(acme), salesTemplate));
    await sendTemplateOn(phoneNumberId, template.accountId);
    at = await sendTemplateOn(salesNumber, sales.accountId);
  });

  afterAll(() => world.close());

  it("counts the portal's business-initiated conversations in the current period, against its limit", async () => {
    const answer = await world.graphql(QUOTA, { at }, agent);
    expect(answer.errors).toBeUndefined();
    // Subscribed on the 15th in Paris: the period runs from local midnight on 15 October to 15 November.
    expect(answer.data?.quotaUsage).toEqual({
      periodKey: '2024-10-15',
      startsAt: '2024-10-14T22:00:00.000Z',
      resetsAt: '2024-11-14T23:00:00.000Z',
      used: 2,
      limit: 1000,
      remaining: 998,
    });
  });

  it('reads another period by its start date; null for a date no period starts on; refuses what is not a date', async () => {
    expect((await world.graphql(QUOTA, { key: '2024-09-15' }, agent)).data?.quotaUsage).toMatchObject({
      periodKey: '2024-09-15',
      resetsAt: '2024-10-14T22:00:00.000Z',
      used: 0,
      remaining: 1000,
    });
    expect((await world.graphql(QUOTA, { key: '2024-10-16' }, agent)).data).toEqual({ quotaUsage: null });
    const bad = await world.graphql(QUOTA, { key: 'October' }, agent);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'periodKey' }] });
  });

  it("counts an unverified account's business-initiated conversations per local day against the cap of 50", async () => {
    const today = { accountId: sales.accountId, day: '2024-11-06', businessInitiated: 1, cap: 50, remaining: 49 };
    expect((await world.graphql(DAILY, { accountId: sales.accountId, day: '2024-11-06', at }, agent)).data).toEqual({
      dailyUsage: today,
    });
    expect((await world.graphql(DAILY, { accountId: sales.accountId }, agent)).data).toEqual({ dailyUsage: today });
    expect(
      (await world.graphql(DAILY, { accountId: sales.accountId, day: '2024-11-05' }, agent)).data?.dailyUsage,
    ).toMatchObject({
      businessInitiated: 0,
      remaining: 50,
    });
    const verified = await world.graphql(DAILY, { accountId: template.accountId }, agent);
    expect(verified.data?.dailyUsage).toMatchObject({ cap: null, remaining: null });
    const bad = await world.graphql(DAILY, { accountId: sales.accountId, day: '6/11/2024' }, agent);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'day' }] });
  });

  it("shows another portal only its own usage, and none of this portal's accounts", async () => {
    const other = await world.token(globex, 'agent,admin,auditor');
    expect((await world.graphql(QUOTA, {}, other)).data?.quotaUsage).toMatchObject({ used: 0, remaining: 1000 });
    expect((await world.graphql(DAILY, { accountId: sales.accountId, day: '2024-11-06' }, other)).data).toEqual({
      dailyUsage: null,
    });
    expect((await world.graphql(DAILY, { accountId: sales.accountId }, other)).data).toEqual({ dailyUsage: null });
    expect((await world.graphql(DAILY, { accountId: 'no-such-account' }, agent)).data).toEqual({ dailyUsage: null });
  });

  it('lets auditors read, and nobody without a token or a reading role', async () => {
    const auditor = await world.token(acme, 'auditor');
    expect((await world.graphql(QUOTA, {}, auditor)).data?.quotaUsage).toMatchObject({ used: 2 });
    const operator = await world.token(acme, 'operator');
    expect((await world.graphql(DAILY, { accountId: sales.accountId }, operator)).errors?.[0].extensions?.code).toBe(
      'FORBIDDEN',
    );
    expect((await world.graphql(QUOTA, {})).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});
