import {
  type TemplateParameters,
  conversationStreamName,
  dailyQuotaStreamName,
  monthlyQuotaStreamName,
} from '@helpdesk/domain';
import { type EventStore, StoreUnavailableError } from '@helpdesk/event-store';
import { QuotaGate } from '../quota/quota-gate.js';
import {
  DAY,
  HOUR,
  type World,
  accountId,
  agent,
  conversationOf,
  inboundMessage,
  later,
  openWorld,
  portalId,
  refusalOf,
  template,
} from './conversation.test-world.js';
import { SendTemplateCommand, SendTemplateHandler } from './send-template.handler.js';

const sentAt = '2025-03-10T09:00:00.000Z';
const period = '2025-02-15';
const parameters: TemplateParameters = { body: ['Ana', '#1042'] };

/** The store as it is, except that writes to conversations fail: a send whose recording fails for good. */
function failingConversationWrites(store: EventStore): EventStore {
  const append: EventStore['append'] = (stream, events, expected) =>
    stream.startsWith('conversation-')
      ? Promise.reject(new StoreUnavailableError('disk full'))
      : store.append(stream, events, expected);
  return new Proxy(store, {
    get: (target, property) => (property === 'append' ? append : Reflect.get(target, property)),
  });
}

describe('Sending a template against the embedded store', () => {
  let world: World;
  const send = (idempotencyKey?: string, phone?: string, templateParameters = parameters) =>
    world.templates.execute(
      new SendTemplateCommand(agent(idempotencyKey), conversationOf(phone), {
        ...template,
        parameters: templateParameters,
      }),
    );
  const eventsOfType = async (stream: string, type: string) =>
    (await world.eventsOf(stream)).filter((event) => event.type === type);
  const templatesOf = (phone?: string) =>
    eventsOfType(conversationStreamName(conversationOf(phone)), 'TemplateMessageAccepted');

  afterEach(() => world.close());

  describe('When no session is open', () => {
    beforeEach(async () => {
      world = await openWorld({ connectedAt: '2025-03-01T08:00:00.000Z', monthlyConversationLimit: 1 });
      world.clock.set(sentAt);
      await world.receive(inboundMessage('wamid.a', sentAt));
      await world.receive(inboundMessage('wamid.b', sentAt, '+33699999999'));
      world.clock.set(later(sentAt, DAY + HOUR));
    });

    it('reserves a business-initiated conversation, then records the bound template under its rule', async () => {
      await send('req-1');

      const [accepted] = await templatesOf();
      expect(accepted.data).toMatchObject({
        conversationKind: 'business_initiated',
        sessionId: null,
        renderedText: 'Hi Ana, your order #1042 is ready.',
        ruleVersion: 'conversations/2024-11-01',
      });
      expect(accepted.metadata.ruleVersion).toBe('conversations/2024-11-01');
      expect(await eventsOfType(monthlyQuotaStreamName(portalId, period), 'ConversationCounted')).toHaveLength(1);
      expect(
        await eventsOfType(dailyQuotaStreamName(accountId, '2025-03-11'), 'BusinessInitiatedCounted'),
      ).toHaveLength(1);
    });

    it('sends one template and counts one conversation for one client idempotency key', async () => {
      await Promise.all([send('req-1'), send('req-1')]);
      await send('req-1');

      expect(await templatesOf()).toHaveLength(1);
      expect(await eventsOfType(monthlyQuotaStreamName(portalId, period), 'ConversationCounted')).toHaveLength(1);
    });

    it('sends nothing once the monthly limit is reached', async () => {
      await send();
      const error = await refusalOf(send(undefined, '+33699999999'));

      expect(error.code).toBe('MONTHLY_LIMIT_REACHED');
      expect(await templatesOf('+33699999999')).toHaveLength(0);
    });

    it('counts nothing for parameters that do not fit the template', async () => {
      const error = await refusalOf(send(undefined, undefined, { body: ['Ana'] }));

      expect(error.code).toBe('TEMPLATE_PARAMETERS_MISMATCH');
      expect(await world.eventsOf(monthlyQuotaStreamName(portalId, period))).toEqual([]);
    });

    it('gives the reservation back when the template cannot be recorded', async () => {
      const quota = new QuotaGate(world.store);
      const handler = new SendTemplateHandler(failingConversationWrites(world.store), world.clock, quota);
      const failed = handler.execute(new SendTemplateCommand(agent(), conversationOf(), { ...template, parameters }));

      await expect(failed).rejects.toBeInstanceOf(StoreUnavailableError);
      const monthly = (await world.eventsOf(monthlyQuotaStreamName(portalId, period))).map((event) => event.type);
      expect(monthly).toEqual(['ConversationCounted', 'ConversationReleased']);
      const daily = (await world.eventsOf(dailyQuotaStreamName(accountId, '2025-03-11'))).map((event) => event.type);
      expect(daily).toEqual(['BusinessInitiatedCounted', 'BusinessInitiatedReleased']);
      await send();
      expect(await templatesOf()).toHaveLength(1);
    });
  });

  describe('When the session is open', () => {
    it('records the template within the session, reserving no business-initiated conversation', async () => {
      world = await openWorld({ connectedAt: '2025-03-01T08:00:00.000Z' });
      world.clock.set(sentAt);
      await world.receive(inboundMessage('wamid.a', sentAt));
      world.clock.set(later(sentAt, HOUR));
      await send();

      const [accepted] = await templatesOf();
      expect(accepted.data).toMatchObject({
        conversationKind: 'within_session',
        ruleVersion: 'conversations/2024-11-01',
      });
      expect(await world.eventsOf(monthlyQuotaStreamName(portalId, period))).toEqual([]);
    });
  });
});
