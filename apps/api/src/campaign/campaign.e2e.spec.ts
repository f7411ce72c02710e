import { CommandBus } from '@nestjs/cqrs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testToken } from '@helpdesk/auth/fixtures';
import { ConnectAccountCommand } from '@helpdesk/commands/channel/connect-account.handler.js';
import { CreateContactCommand } from '@helpdesk/commands/contact/create-contact.handler.js';
import { RegisterPortalCommand } from '@helpdesk/commands/portal/register-portal.handler.js';
import type { CommandOrigin } from '@helpdesk/commands/shared/command-origin.js';
import { ApproveTemplateCommand } from '@helpdesk/commands/template/approve-template.handler.js';
import { RegisterTemplateCommand } from '@helpdesk/commands/template/register-template.handler.js';
import { loadConfig } from '@helpdesk/config';
import { EVENT_STORE, type EventStore, type Position, headPosition } from '@helpdesk/event-store';
import { FakeGraphApi } from '@helpdesk/fake-graph-api';
import { Subscriber } from '../notifications/subscriber.test-world.js';
import { createApp } from '../create-app.js';
import { formatPosition, parsePosition } from '../graphql/positions.js';
import { OutboundDispatcher } from '../outbound/outbound-dispatcher.js';
import { CampaignRunner } from './campaign-runner.js';

const SECRET = 'e2e-secret-that-is-long-enough-for-hs256';
const portalId = 'acme';
const phoneNumberId = '106540352242922';
const accountId = 'account-1';
const template = { name: 'spring_sale', language: 'en' };
const admin: CommandOrigin = { portalId, actor: { kind: 'user', id: 'admin-1' } };
const RECIPIENTS = Number(process.env.CAMPAIGN_E2E_RECIPIENTS ?? 240);
/**
 * The dispatcher's pace for the number, under the fake's ceiling. The fake runs in this process:
 * a stall of the event loop delays its handling and bunches the arrivals of calls sent evenly, so
 * the ceiling leaves room for a second's worth of such bunching (Meta's own clock is not ours either).
 */
const DISPATCH_RATE = 40;
const META_CEILING = 80;

const SEND = `mutation($input: SendTemplateCampaignInput!) { sendTemplateCampaign(input: $input) { campaignId position } }`;
const CANCEL = `mutation($input: CancelCampaignInput!) { cancelCampaign(input: $input) { campaignId position } }`;
const PROGRESS = `query($id: ID!, $p: String) { campaign(id: $id, atLeastPosition: $p) {
  id state stopReason total accepted refused sent failed templateName } }`;

interface Answer {
  readonly data?: Record<string, unknown> | null;
  readonly errors?: { message: string; extensions?: { code?: string } }[];
}

/** A campaign of a few hundred, over HTTP, through the dispatcher's per-number limiter, to a Graph API that enforces Meta's. */
describe('Template campaigns over GraphQL, against the fake Graph API', () => {
  let graph: FakeGraphApi;
  let dataDir: string;
  let app: NestFastifyApplication;
  let agent: string;
  const contactIds = Array.from({ length: RECIPIENTS }, (_, i) => `c-${i}`);

  const graphql = async (query: string, variables: Record<string, unknown>, token = agent): Promise<Answer> => {
    const response = await fetch(`${await app.getUrl()}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as Answer;
  };
  const codeOf = (answer: Answer) => answer.errors?.[0]?.extensions?.code;
  const input = (extra: Record<string, unknown> = {}) => ({
    fromPhoneNumberId: phoneNumberId,
    ...template,
    recipients: contactIds.map((contactId) => ({ contactId, bodyParameters: [contactId] })),
    idempotencyKey: 'spring-1',
    ...extra,
  });

  beforeAll(async () => {
    graph = await FakeGraphApi.start({ accessToken: 'e2e-token', messagesPerSecond: META_CEILING });
    dataDir = mkdtempSync(join(tmpdir(), 'campaign-e2e-'));
    const env = {
      ...{ DATA_DIR: dataDir, LOG_LEVEL: 'silent', NODE_ENV: 'test', AUTH_JWT_SECRET: SECRET },
      ...{ WHATSAPP_ACCESS_TOKEN: 'e2e-token', WHATSAPP_API_URL: graph.baseUrl },
      WHATSAPP_MESSAGES_PER_SECOND: String(DISPATCH_RATE),
    };
    app = await createApp(loadConfig(env));
    await app.listen(0, '127.0.0.1');
    const bus = app.get(CommandBus);
    await bus.execute(
      new RegisterPortalCommand(admin, { name: 'Acme', timeZone: 'Europe/Paris', subscriptionStartedOn: '2024-01-15' }),
    );
    await bus.execute(
      new ConnectAccountCommand(admin, {
        ...{ accountId, wabaId: 'waba-1', name: 'Acme', timeZone: 'Europe/Paris' },
        ...{ accountType: 'business', businessVerified: true },
        phoneNumbers: [{ phoneNumberId, displayNumber: '+15550001111' }],
      }),
    );
    await bus.execute(
      new RegisterTemplateCommand(admin, { accountId, ...template, category: 'marketing', body: 'Hi {{1}}!' }),
    );
    await bus.execute(new ApproveTemplateCommand(admin, { accountId, ...template }));
    for (const [i, contactId] of contactIds.entries()) {
      const mobilePhoneNumber = `+336${String(10_000_000 + i).slice(-8)}`;
      await bus.execute(new CreateContactCommand(admin, { contactId, name: `Contact ${i}`, mobilePhoneNumber }));
    }
    agent = await testToken({ portal: portalId, user: 'anna', roles: 'agent' }, SECRET);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await graph?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('messages every recipient once, within the number’s throughput: no 130429, and progress counts what Meta took', async () => {
    const started = await graphql(SEND, { input: input() });
    const { campaignId, position } = started.data!.sendTemplateCampaign as { campaignId: string; position: string };
    expect(position).toMatch(/^\d+:\d+$/);

    await app.get(CampaignRunner).whenIdle(parsePosition(position)!);
    const store = app.get<symbol, EventStore>(EVENT_STORE);
    await app.get(OutboundDispatcher).whenIdle(await lastMessageAccepted(store));
    const settled = formatPosition((await headPosition(store))!);

    const progress = await graphql(PROGRESS, { id: campaignId, p: settled });
    expect(progress.data!.campaign).toEqual({
      ...{ id: campaignId, state: 'COMPLETED', stopReason: null, templateName: template.name },
      ...{ total: RECIPIENTS, accepted: RECIPIENTS, refused: 0, sent: RECIPIENTS, failed: 0 },
    });
    const messages = graph.requests.filter((request) => request.path.endsWith('/messages'));
    expect(messages.filter((request) => request.outcome !== 200)).toEqual([]);
    const recipients = new Set(messages.map((request) => (request.body as { to: string }).to));
    expect({ requests: messages.length, recipients: recipients.size }).toEqual({
      requests: RECIPIENTS,
      recipients: RECIPIENTS,
    });

    // The same request again: the same campaign, nothing recorded or sent.
    const replay = await graphql(SEND, { input: input() });
    expect(replay.data!.sendTemplateCampaign).toEqual({ campaignId, position: null });
    expect(codeOf(await graphql(SEND, { input: input({ name: 'other' }) }))).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(codeOf(await graphql(CANCEL, { input: { campaignId } }))).toBe('CAMPAIGN_FINISHED');
  }, 180_000);

  it('sends to the contacts of a view, resolved when the campaign starts', async () => {
    const created = await graphql('mutation ($i: CreateViewInput!) { createView(input: $i) { viewId position } }', {
      i: { name: 'Two contacts', sharing: 'EVERYONE', filters: [{ field: 'CONTACT_ID', values: ['c-1', 'c-2'] }] },
    });
    const { viewId, position: viewAt } = created.data!.createView as { viewId: string; position: string };
    await graphql('query ($id: ID!, $p: String) { view(id: $id, atLeastPosition: $p) { id } }', {
      id: viewId,
      p: viewAt,
    });

    const started = await graphql(SEND, {
      input: { ...input({ idempotencyKey: 'by-view', recipients: null }), viewId, bodyParameters: ['friend'] },
    });
    const { campaignId, position } = started.data!.sendTemplateCampaign as { campaignId: string; position: string };
    await app.get(CampaignRunner).whenIdle(parsePosition(position)!);
    const store = app.get<symbol, EventStore>(EVENT_STORE);
    // Sent before the next test counts appends.
    await app.get(OutboundDispatcher).whenIdle(await lastMessageAccepted(store));
    const settled = formatPosition((await headPosition(store))!);

    const progress = await graphql(PROGRESS, { id: campaignId, p: settled });
    // Both already have an open thread from the first campaign: the template goes there.
    expect(progress.data!.campaign).toMatchObject({ state: 'COMPLETED', total: 2, accepted: 2, refused: 0 });
    const byView = (extra: Record<string, unknown>) => ({ ...input({ recipients: null, ...extra }) });
    expect(codeOf(await graphql(SEND, { input: byView({ idempotencyKey: 'v-2', viewId: 'no-such-view' }) }))).toBe(
      'VIEW_NOT_FOUND',
    );
    expect(codeOf(await graphql(SEND, { input: byView({ idempotencyKey: 'v-3' }) }))).toBe('BAD_USER_INPUT');
  });

  it('follows a campaign over a subscription until Meta answered for every message; another portal hears nothing', async () => {
    const url = `${await app.getUrl()}/graphql`;
    const owner = new Subscriber(url, agent);
    const intruder = new Subscriber(url, await testToken({ portal: 'globex', user: 'gina', roles: 'agent' }, SECRET));
    try {
      const recipients = ['c-10', 'c-11', 'c-12'].map((contactId) => ({ contactId, bodyParameters: ['x'] }));
      const started = await graphql(SEND, { input: input({ idempotencyKey: 'followed', recipients }) });
      const { campaignId } = started.data!.sendTemplateCampaign as { campaignId: string };
      const query = 'subscription ($id: ID!) { campaignProgress(id: $id) { id state total accepted sent failed } }';
      const followed = owner.subscribe(query, { id: campaignId });
      const aimed = intruder.subscribe(query, { id: campaignId });

      let last: Record<string, unknown> | undefined;
      for (let count = 1; !(last?.state === 'COMPLETED' && last.sent === 3); count++) {
        last = (await followed.whenReceived(count))[count - 1].data?.campaignProgress;
      }
      expect(last).toEqual({ id: campaignId, state: 'COMPLETED', total: 3, accepted: 3, sent: 3, failed: 0 });
      // Every delivery is this campaign's, and its counts never go back.
      const sent = followed.received.map((delivery) => delivery.data?.campaignProgress.sent as number);
      expect(sent).toEqual([...sent].sort((a, b) => a - b));
      expect(aimed.received).toEqual([]);
    } finally {
      await owner.close();
      await intruder.close();
    }
    // Nothing is still under way when the next test counts appends.
    await app.get(OutboundDispatcher).whenIdle(await lastMessageAccepted(app.get<symbol, EventStore>(EVENT_STORE)));
  });

  it("answers another portal's campaign exactly like an unknown one, and refuses bad input with nothing recorded", async () => {
    const { campaignId } = (await graphql(SEND, { input: input({ idempotencyKey: 'spring-1' }) })).data!
      .sendTemplateCampaign as { campaignId: string };
    const globex = await testToken({ portal: 'globex', user: 'gina', roles: 'agent,admin' }, SECRET);
    const auditor = await testToken({ portal: portalId, user: 'audrey', roles: 'auditor' }, SECRET);
    const store = app.get<symbol, EventStore>(EVENT_STORE);
    const before = await headPosition(store);

    expect((await graphql(PROGRESS, { id: campaignId }, globex)).data).toEqual({ campaign: null });
    expect((await graphql(PROGRESS, { id: 'no-such-campaign' })).data).toEqual({ campaign: null });
    expect(codeOf(await graphql(CANCEL, { input: { campaignId } }, globex))).toBe('CAMPAIGN_NOT_FOUND');
    expect(codeOf(await graphql(CANCEL, { input: { campaignId: 'no-such-campaign' } }))).toBe('CAMPAIGN_NOT_FOUND');
    expect(codeOf(await graphql(SEND, { input: input({ idempotencyKey: 'g-1' }) }, globex))).toBe(
      'CHANNEL_NOT_CONNECTED',
    );
    expect(codeOf(await graphql(SEND, { input: input({ idempotencyKey: 'a-1' }) }, auditor))).toBe('FORBIDDEN');
    expect(codeOf(await graphql(SEND, { input: input({ idempotencyKey: 'e-1', recipients: [] }) }))).toBe(
      'BAD_USER_INPUT',
    );
    const twice = [{ contactId: 'c-1' }, { contactId: 'c-1' }];
    expect(codeOf(await graphql(SEND, { input: input({ idempotencyKey: 't-1', recipients: twice }) }))).toBe(
      'INVALID_CAMPAIGN',
    );
    expect(await headPosition(store)).toEqual(before);
  });
});

/** The dispatcher waits for positions of the messages it follows. */
async function lastMessageAccepted(store: EventStore): Promise<Position> {
  for await (const event of store.readAll({ direction: 'backwards', fromPosition: 'end' })) {
    if (event.type === 'TemplateMessageAccepted') return event.position;
  }
  throw new Error('no message accepted');
}
