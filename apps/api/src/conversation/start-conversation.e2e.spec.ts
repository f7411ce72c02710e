import { CommandBus } from '@nestjs/cqrs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testToken } from '@helpdesk/auth/fixtures';
import { ConnectAccountCommand } from '@helpdesk/commands/channel/connect-account.handler.js';
import { TestClock } from '@helpdesk/commands/conversation/conversation.test-world.js';
import { ChangeMonthlyLimitCommand } from '@helpdesk/commands/portal/change-monthly-limit.handler.js';
import { RegisterPortalCommand } from '@helpdesk/commands/portal/register-portal.handler.js';
import { ApproveTemplateCommand } from '@helpdesk/commands/template/approve-template.handler.js';
import { RegisterTemplateCommand } from '@helpdesk/commands/template/register-template.handler.js';
import { loadConfig } from '@helpdesk/config';
import { conversationStreamName } from '@helpdesk/domain';
import { EVENT_STORE, type EventStore, headPosition } from '@helpdesk/event-store';
import { FakeGraphApi } from '@helpdesk/fake-graph-api';
import { createApp } from '../create-app.js';
import { parsePosition } from '../graphql/positions.js';
import { OutboundDispatcher } from '../outbound/outbound-dispatcher.js';
import { type ViewsWorld, openViewsWorld, refusal } from '../view/views.test-world.js';
import { CONNECTED_AT, acme, admin, contactPhone, globex, phoneNumberId, template } from './tickets.test-world.js';

const START = `mutation($input: StartConversationInput!) {
  startConversation(input: $input) { conversationId ticketId messageId position }
}`;
const CREATE_CONTACT = 'mutation($input: CreateContactInput!) { createContact(input: $input) { contactId position } }';
const TICKETS = `query($p: String) { tickets(atLeastPosition: $p) {
  totalCount nodes { id conversationId status contactPhone businessPhone preview contact { name } }
} }`;
const THREAD = `query($c: ID!, $p: String) { conversation(id: $c, first: 5, atLeastPosition: $p) {
  contactPhone thread { nodes { direction type ticketId content { __typename } } }
} }`;
const VIEW_COUNTS = '{ views { id ticketCount } }';
const QUOTA = 'query($p: String) { quotaUsage(atLeastPosition: $p) { used } }';

interface Started {
  readonly conversationId: string;
  readonly ticketId: string;
  readonly messageId: string;
  readonly position: string | null;
}

const newContact = '+33700000001';
const input = (extra: Record<string, unknown>) => ({
  fromPhoneNumberId: phoneNumberId,
  name: template.name,
  language: template.language,
  bodyParameters: ['Ana', '#1042'],
  ...extra,
});

/** Starting a conversation from a contact record, over real HTTP. */
describe('startConversation GraphQL API', () => {
  let world: ViewsWorld;
  let anna: string;
  let bob: string;
  let contactId: string;
  const store = () => world.app.get<symbol, EventStore>(EVENT_STORE);
  const lastPosition = () => headPosition(store());

  beforeAll(async () => {
    world = await openViewsWorld();
    anna = await world.tokenFor(acme, 'anna', 'agent');
    bob = await world.tokenFor(acme, 'bob', 'agent');
    ({ contactId } = await world.ok<{ contactId: string }>(
      CREATE_CONTACT,
      { input: { name: 'Ana Lima', mobilePhoneNumber: newContact } },
      anna,
    ));
  });

  afterAll(() => world.close());

  it('opens a conversation and its ticket with a contact who never wrote, shown in the ticket list, the thread and the views', async () => {
    const before = await world.ok<{ id: string; ticketCount: number }[]>(VIEW_COUNTS, {}, anna);
    const started = await world.ok<Started>(START, { input: input({ contactId, idempotencyKey: 'start-ana' }) }, anna);
    expect(started).toMatchObject({ ticketId: expect.any(String), position: expect.stringMatching(/^\d+:\d+$/) });

    const tickets = await world.ok<{ nodes: Record<string, unknown>[] }>(TICKETS, { p: started.position }, anna);
    expect(tickets.nodes).toContainEqual({
      id: started.ticketId,
      conversationId: started.conversationId,
      status: 'OPEN',
      contactPhone: newContact,
      businessPhone: '+15550001111',
      preview: 'Hi Ana, your order #1042 is ready.',
      contact: { name: 'Ana Lima' },
    });
    const conversation = await world.ok<{ contactPhone: string; thread: { nodes: unknown[] } }>(
      THREAD,
      { c: started.conversationId, p: started.position },
      anna,
    );
    expect(conversation.contactPhone).toBe(newContact);
    expect(conversation.thread.nodes).toEqual([
      { direction: 'OUTBOUND', type: 'TEMPLATE', ticketId: started.ticketId, content: expect.any(Object) },
    ]);
    const after = await world.ok<{ id: string; ticketCount: number }[]>(VIEW_COUNTS, {}, anna);
    const allOpen = (views: { id: string; ticketCount: number }[]) => views.find((view) => view.id === 'all-open');
    expect(allOpen(after)!.ticketCount).toBe(allOpen(before)!.ticketCount + 1);
  });

  it('answers a replayed request with the same ids and records nothing twice; another input under the key is refused', async () => {
    const again = await world.ok<Started>(START, { input: input({ contactId, idempotencyKey: 'start-ana' }) }, anna);
    const first = (await world.ok<{ nodes: { id: string; contactPhone: string }[] }>(TICKETS, {}, anna)).nodes.filter(
      (ticket) => ticket.contactPhone === newContact,
    );
    expect(again).toMatchObject({ ticketId: first[0].id, position: null });
    expect(first).toHaveLength(1);
    const reused = await world.graphql(
      START,
      { input: input({ contactId, idempotencyKey: 'start-ana', bodyParameters: ['Bo', '#1'] }) },
      anna,
    );
    expect(refusal(reused)).toEqual({ code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('sends the agent to the open thread (CONVERSATION_EXISTS with its id) instead of opening a second one', async () => {
    const { conversationId } = await world.receiveFrom(contactPhone, 'wamid.start-1', 'Hello?');
    const answer = await world.graphql(START, { input: input({ phone: contactPhone, idempotencyKey: 'k-2' }) }, bob);

    expect(answer.errors?.[0].extensions).toMatchObject({
      code: 'CONVERSATION_EXISTS',
      conversationId,
      sessionOpen: true,
    });
  });

  it('gives one conversation to two agents starting it at once', async () => {
    const phone = '+33700000002';
    const answers = await Promise.all([
      world.graphql(START, { input: input({ phone, idempotencyKey: 'anna-1' }) }, anna),
      world.graphql(START, { input: input({ phone, idempotencyKey: 'bob-1' }) }, bob),
    ]);
    const codes = answers.map((answer) => (answer.errors ? refusal(answer).code : 'STARTED')).sort();
    expect(codes).toEqual(['CONVERSATION_EXISTS', 'STARTED']);
    const started = answers.find((answer) => !answer.errors)!.data!.startConversation as Started;
    const types: string[] = [];
    for await (const event of store().readStream(conversationStreamName(started.conversationId)))
      types.push(event.type);
    expect(types.filter((type) => type === 'ConversationStarted' || type === 'TicketOpened')).toEqual([
      'ConversationStarted',
      'TicketOpened',
    ]);
  });

  it('refuses abuse before anything is recorded', async () => {
    const globexAgent = await world.tokenFor(globex, 'eve', 'agent,admin');
    const cases: [string | undefined, Record<string, unknown>, { code?: string; fields?: string[] }][] = [
      [undefined, input({ contactId, idempotencyKey: 'x-1' }), { code: 'UNAUTHENTICATED' }],
      [globexAgent, input({ contactId, idempotencyKey: 'x-2' }), { code: 'CHANNEL_NOT_CONNECTED' }],
      [anna, input({ phone: '06 12 34 56 78', idempotencyKey: 'x-3' }), { code: 'INVALID_PHONE_NUMBER' }],
      [anna, input({ phone: 'call me', idempotencyKey: 'x-4' }), { code: 'INVALID_PHONE_NUMBER' }],
      [anna, input({ contactId: 'nobody', idempotencyKey: 'x-5' }), { code: 'CONTACT_NOT_FOUND' }],
      [anna, input({ idempotencyKey: 'x-6' }), { code: 'BAD_USER_INPUT', fields: ['phone'] }],
      [anna, input({ phone: '+33700000003', name: 'draft', idempotencyKey: 'x-7' }), { code: 'TEMPLATE_NOT_APPROVED' }],
      [anna, input({ phone: '+33700000003', name: 'nope', idempotencyKey: 'x-8' }), { code: 'TEMPLATE_NOT_FOUND' }],
      [
        await world.tokenFor(acme, 'audrey', 'auditor'),
        input({ contactId, idempotencyKey: 'x-9' }),
        { code: 'FORBIDDEN' },
      ],
    ];
    const draft = { ...template, name: 'draft', category: 'utility' as const, body: 'Hi {{1}} {{2}}' };
    await world.bus.execute(new RegisterTemplateCommand(admin(acme), draft));
    // The month's quota used up: one more start, then the limit set to what is used.
    const last = await world.ok<Started>(
      START,
      { input: input({ phone: '+33700000009', idempotencyKey: 'x-0' }) },
      anna,
    );
    const usage = await world.ok<{ used: number }>(QUOTA, { p: last.position }, anna);
    await world.bus.execute(
      new ChangeMonthlyLimitCommand(admin(acme), { limit: usage.used, effectiveFrom: CONNECTED_AT }),
    );
    const head = await lastPosition();
    for (const [token, start, expected] of cases) {
      expect([start, refusal(await world.graphql(START, { input: start }, token))]).toEqual([start, expected]);
    }
    expect(await lastPosition()).toEqual(head);
  });
});

/** The template a started conversation records goes out to Meta through the outbound dispatcher. */
describe('startConversation delivered to the Graph API', () => {
  const SECRET = 'e2e-secret-that-is-long-enough-for-hs256';
  let graph: FakeGraphApi;
  let dataDir: string;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    graph = await FakeGraphApi.start({ accessToken: 'e2e-token' });
    dataDir = mkdtempSync(join(tmpdir(), 'start-conversation-e2e-'));
    const env = {
      ...{ DATA_DIR: dataDir, LOG_LEVEL: 'silent', NODE_ENV: 'test', AUTH_JWT_SECRET: SECRET },
      ...{ WHATSAPP_ACCESS_TOKEN: 'e2e-token', WHATSAPP_API_URL: graph.baseUrl },
    };
    app = await createApp(loadConfig(env), { clock: new TestClock(new Date('2025-03-10T09:00:00.000Z')) });
    await app.listen(0, '127.0.0.1');
    const bus = app.get(CommandBus);
    await bus.execute(
      new RegisterPortalCommand(admin(acme), {
        name: 'Acme',
        timeZone: 'Europe/Paris',
        subscriptionStartedOn: '2024-01-15',
      }),
    );
    await bus.execute(
      new ConnectAccountCommand(admin(acme), {
        ...{ accountId: template.accountId, wabaId: 'waba-1', name: 'Acme support', timeZone: 'Europe/Paris' },
        ...{ accountType: 'business', businessVerified: false },
        phoneNumbers: [{ phoneNumberId, displayNumber: '+15550001111' }],
      }),
    );
    const body = 'Hi {{1}}, your order {{2}} is ready.';
    await bus.execute(new RegisterTemplateCommand(admin(acme), { ...template, category: 'utility', body }));
    await bus.execute(new ApproveTemplateCommand(admin(acme), template));
  });

  afterAll(async () => {
    await app.close();
    await graph.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("sends the template from the chosen number and records Meta's id", async () => {
    const token = await testToken({ portal: acme, user: 'anna', roles: 'agent' }, SECRET);
    const response = await fetch(`${await app.getUrl()}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: START, variables: { input: input({ phone: newContact, idempotencyKey: 's-1' }) } }),
    });
    const answer = (await response.json()) as { data: { startConversation: Started } };
    const started = answer.data.startConversation;
    await app.get(OutboundDispatcher).whenIdle(parsePosition(started.position!)!);

    expect(graph.requestsFor(started.messageId)).toEqual([expect.objectContaining({ outcome: 200 })]);
    const types: string[] = [];
    const store = app.get<symbol, EventStore>(EVENT_STORE);
    for await (const event of store.readStream(conversationStreamName(started.conversationId))) types.push(event.type);
    expect(types).toEqual([
      'ConversationStarted',
      'TicketOpened',
      'TemplateMessageAccepted',
      'OutboundSendAttempted',
      'OutboundWamidRecorded',
    ]);
  });
});
