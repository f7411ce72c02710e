import {
  conversationIdOf,
  conversationStreamName,
  conversationsByPhoneStreamName,
  dailyQuotaStreamName,
  monthlyQuotaStreamName,
  toWaId,
} from '@helpdesk/domain';
import { ConnectAccountCommand, ConnectAccountHandler } from '../channel/connect-account.handler.js';
import { ownershipNotChecked } from '../channel/phone-number-ownership.js';
import { CreateContactCommand, CreateContactHandler } from '../contact/create-contact.handler.js';
import { RegisterPortalCommand, RegisterPortalHandler } from '../portal/register-portal.handler.js';
import { QuotaGate } from '../quota/quota-gate.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { RegisterTemplateCommand, RegisterTemplateHandler } from '../template/register-template.handler.js';
import { associateContactWithOpenConversations } from './associate-contact-with-conversations.js';
import {
  HOUR,
  type World,
  accountId,
  agent,
  contactPhone,
  conversationOf,
  inboundMessage,
  later,
  openWorld,
  phoneNumberId,
  portalId,
  refusalOf,
  template,
} from './conversation.test-world.js';
import {
  type ConversationTarget,
  StartConversationCommand,
  StartConversationHandler,
} from './start-conversation.handler.js';

const now = '2025-03-10T09:00:00.000Z';
const period = '2025-02-15';
const parameters = { body: ['Ana', '#1042'] };
const globex: CommandOrigin = { portalId: 'globex', actor: { kind: 'user', id: 'globex-admin' } };
const globexNumberId = '209999999999999';

describe('Starting a conversation against the embedded store', () => {
  let world: World;
  let starter: StartConversationHandler;

  const start = (
    target: ConversationTarget = { contactId: 'contact-ana' },
    options: { key?: string; from?: string; name?: string; body?: string[]; request?: unknown } = {},
  ) => {
    const origin = { ...agent(options.key), ...(options.request !== undefined && { request: options.request }) };
    const request = { name: options.name ?? template.name, language: template.language };
    return starter.execute(
      new StartConversationCommand(origin, target, options.from ?? phoneNumberId, {
        ...request,
        parameters: { body: options.body ?? parameters.body },
      }),
    );
  };
  const typesOf = (stream: string) => world.eventsOf(stream).then((events) => events.map((event) => event.type));
  const monthly = () => typesOf(monthlyQuotaStreamName(portalId, period));

  beforeEach(async () => {
    world = await openWorld({ connectedAt: '2025-03-01T08:00:00.000Z', monthlyConversationLimit: 2 });
    world.clock.set(now);
    starter = new StartConversationHandler(world.store, world.clock, new QuotaGate(world.store));
    const contacts = new CreateContactHandler(world.store, world.clock, associateContactWithOpenConversations);
    await contacts.execute(
      new CreateContactCommand(agent(), { contactId: 'contact-ana', name: 'Ana', mobilePhoneNumber: contactPhone }),
    );
    // Another portal, with its own contact and number.
    await new RegisterPortalHandler(world.store, world.clock).execute(
      new RegisterPortalCommand(globex, { name: 'Globex', timeZone: 'UTC', subscriptionStartedOn: '2024-01-01' }),
    );
    await new ConnectAccountHandler(world.store, world.clock, ownershipNotChecked).execute(
      new ConnectAccountCommand(globex, {
        ...{ accountId: 'globex-account', wabaId: 'waba-globex', name: 'Globex', timeZone: 'UTC' },
        ...{ accountType: 'business', businessVerified: true },
        phoneNumbers: [{ phoneNumberId: globexNumberId, displayNumber: '+15550002222' }],
      }),
    );
    await contacts.execute(
      new CreateContactCommand(globex, { contactId: 'contact-bob', name: 'Bob', mobilePhoneNumber: '+33700000000' }),
    );
  });

  afterEach(() => world.close());

  it('opens the conversation and its ticket, associates the contact and records the template as business-initiated', async () => {
    const receipt = await start(undefined, { key: 'start-1' });

    expect(receipt).toMatchObject({ conversationId: conversationOf(), ticketId: expect.any(String) });
    expect(receipt.position).toBeDefined();
    const events = await world.eventsOf(conversationStreamName(conversationOf()));
    expect(events.map((event) => event.type)).toEqual([
      'ConversationStarted',
      'TicketOpened',
      'ContactAssociated',
      'TemplateMessageAccepted',
    ]);
    expect(events[1].data).toMatchObject({ ticketId: receipt.ticketId });
    expect(events[2].data).toMatchObject({ contactId: 'contact-ana' });
    expect(events[3].data).toMatchObject({
      messageId: receipt.messageId,
      ticketId: receipt.ticketId,
      conversationKind: 'business_initiated',
      renderedText: 'Hi Ana, your order #1042 is ready.',
    });
    // Who started it, as for every command.
    expect(events.map((event) => event.metadata.actorId)).toEqual(Array(4).fill('user:agent-1'));
    expect(await monthly()).toEqual(['ConversationCounted']);
    expect(await typesOf(dailyQuotaStreamName(accountId, '2025-03-10'))).toEqual(['BusinessInitiatedCounted']);
    // Indexed, so a contact created later on this number finds it.
    expect(await typesOf(conversationsByPhoneStreamName(portalId, toWaId(contactPhone)))).toEqual([
      'ConversationIndexed',
    ]);
  });

  it('reaches a number alone, associating the one contact that has it', async () => {
    const receipt = await start({ phone: '+33 6 12 34 56 78' });
    expect(receipt.conversationId).toBe(conversationOf());
    expect(await world.typesOf()).toContain('ContactAssociated');
    const stranger = await start({ phone: '+33799999999' });
    expect(await world.typesOf(stranger.conversationId)).toEqual([
      'ConversationStarted',
      'TicketOpened',
      'TemplateMessageAccepted',
    ]);
  });

  it('answers with the open thread (CONVERSATION_EXISTS, its id) instead of opening a second one', async () => {
    await world.receive(inboundMessage('wamid.a', later(now, -HOUR)));
    const error = await refusalOf(start());

    expect(error.code).toBe('CONVERSATION_EXISTS');
    expect(error.details).toMatchObject({ conversationId: conversationOf(), sessionOpen: true });
    expect(await monthly()).toEqual([]);
  });

  it('gives one conversation, one template and one counted conversation for two agents starting it at once', async () => {
    const outcomes = await Promise.allSettled([start(undefined, { key: 'a' }), start(undefined, { key: 'b' })]);

    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = outcomes.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: 'CONVERSATION_EXISTS' });
    expect(await world.typesOf()).toEqual([
      'ConversationStarted',
      'TicketOpened',
      'ContactAssociated',
      'TemplateMessageAccepted',
    ]);
    const counted = await world.eventsOf(monthlyQuotaStreamName(portalId, period));
    const net =
      counted.filter((event) => event.type === 'ConversationCounted').length -
      counted.filter((event) => event.type === 'ConversationReleased').length;
    expect(net).toBe(1);
  });

  it('starts one conversation for the same request sent twice at once (a double click)', async () => {
    const request = { operation: 'startConversation', input: { contactId: 'contact-ana' } };
    const [first, second] = await Promise.all([
      start(undefined, { key: 'twice', request }),
      start(undefined, { key: 'twice', request }),
    ]);

    expect(second).toMatchObject({ conversationId: first.conversationId, ticketId: first.ticketId });
    expect(second.messageId).toBe(first.messageId);
    expect(await world.typesOf()).toHaveLength(4);
    expect(await monthly()).toEqual(['ConversationCounted']);
  });

  it('answers a replayed request as before and records nothing twice; another request under its key is refused', async () => {
    const request = { operation: 'startConversation', input: { contactId: 'contact-ana' } };
    const first = await start(undefined, { key: 'k', request });
    const again = await start(undefined, { key: 'k', request });

    expect(again).toMatchObject({ conversationId: first.conversationId, ticketId: first.ticketId });
    expect(again.messageId).toBe(first.messageId);
    expect(await world.typesOf()).toHaveLength(4);
    expect(await monthly()).toEqual(['ConversationCounted']);
    const other = { operation: 'startConversation', input: { contactId: 'contact-ana', body: ['Bo', '#1'] } };
    const reused = await refusalOf(start(undefined, { key: 'k', request: other, body: ['Bo', '#1'] }));
    expect(reused.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it.each<[string, ConversationTarget, { from?: string; name?: string }, string]>([
    ["another portal's contact", { contactId: 'contact-bob' }, {}, 'CONTACT_NOT_FOUND'],
    ['an unknown contact', { contactId: 'contact-nobody' }, {}, 'CONTACT_NOT_FOUND'],
    ["another portal's number", { contactId: 'contact-ana' }, { from: globexNumberId }, 'CHANNEL_NOT_CONNECTED'],
    ['an unknown number', { contactId: 'contact-ana' }, { from: '1234' }, 'CHANNEL_NOT_CONNECTED'],
    ['a phone that is not a number', { phone: 'call me' }, {}, 'INVALID_PHONE_NUMBER'],
    ['a phone without its country code', { phone: '0612345678' }, {}, 'INVALID_PHONE_NUMBER'],
    ['an unknown template', { contactId: 'contact-ana' }, { name: 'draft_template' }, 'TEMPLATE_NOT_FOUND'],
  ])('refuses %s, recording and counting nothing', async (_case, target, options, code) => {
    const error = await refusalOf(start(target, options));

    expect(error.code).toBe(code);
    expect(await world.typesOf()).toEqual([]);
    expect(await monthly()).toEqual([]);
  });

  it('refuses an unapproved template with TEMPLATE_NOT_APPROVED, recording nothing', async () => {
    await new RegisterTemplateHandler(world.store, world.clock).execute(
      new RegisterTemplateCommand(agent(), {
        accountId,
        name: 'draft',
        language: template.language,
        category: 'utility',
        body: 'Hi {{1}} {{2}}',
      }),
    );
    const error = await refusalOf(start(undefined, { name: 'draft' }));

    expect(error.code).toBe('TEMPLATE_NOT_APPROVED');
    expect(await world.typesOf()).toEqual([]);
  });

  it('records nothing but the refusal once the monthly quota is exhausted', async () => {
    await start({ phone: '+33711111111' });
    await start({ phone: '+33722222222' });
    const error = await refusalOf(start());

    expect(error.code).toBe('MONTHLY_LIMIT_REACHED');
    expect(await world.typesOf()).toEqual([]);
    expect(await world.typesOf(conversationIdOf({ portalId, phoneNumberId, contactWaId: '33611111111' }))).toEqual([]);
  });
});
