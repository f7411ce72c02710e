import { conversationIdOf } from '@helpdesk/domain';
import { RunConversationCommand } from '@helpdesk/commands/conversation/conversation-command.handler.js';
import { AddPhoneNumberCommand } from '@helpdesk/commands/channel/add-phone-number.handler.js';
import { ReplyToContactCommand } from '@helpdesk/commands/conversation/reply-to-contact.handler.js';
import { pywaPayload } from './pywa.fixtures.js';
import { WEBHOOK_PAYLOAD_RECEIVED, inboxStreamName, payloadSha256 } from './webhook-inbox.js';
import {
  RECEIVED_AT,
  type WebhookWorld,
  admin,
  contactWaId,
  openWebhookWorld,
  phoneNumberId,
  portalId,
  receivedWamids,
  textPayload,
} from './webhook.test-world.js';

const typesOf = (events: { type: string }[]) => events.map((event) => event.type);

/** From the POST to the conversation: stored first, then processed by the InboxProcessor (awaited, never slept on). */
describe('WhatsApp webhooks processed into conversations', () => {
  let world: WebhookWorld;

  beforeAll(async () => {
    world = await openWebhookWorld();
    await world.connectChannel();
    world.clock.set(RECEIVED_AT);
  });

  afterAll(() => world.close());

  describe('A signed payload', () => {
    it('is stored exactly as received before the 200, then becomes a ticket and a thread', async () => {
      const body = JSON.stringify(pywaPayload('message.json', 'text'), null, 2);
      const response = await world.post(body);

      expect(response.status).toBe(200);
      const [stored] = await world.inbox();
      expect(stored).toMatchObject({
        type: WEBHOOK_PAYLOAD_RECEIVED,
        // One stream per distinct payload, named by the SHA-256 of its bytes (Meta resends the same bytes).
        streamName: inboxStreamName(payloadSha256(Buffer.from(body))),
        data: { body, signature: world.sign(body), receivedAt: RECEIVED_AT, contentType: 'application/json' },
      });
      await world.processed();
      const conversation = await world.conversation();
      expect(typesOf(conversation)).toEqual([
        'ConversationStarted',
        'TicketOpened',
        'InboundMessageReceived',
        'SessionOpened',
      ]);
      expect(conversation[2].data).toMatchObject({
        wamid: 'wamid.xyzxyz',
        from: '+972987654321',
        to: '+972123456789',
        sentAt: '2023-10-11T16:53:43.000Z',
        content: { kind: 'text', body: 'Body Text' },
      });
    });

    it('verifies the raw bytes: escaped unicode (\\u00e9, \\/) is signed and stored as sent', async () => {
      const body = JSON.stringify(textPayload('wamid.unicode', 'PLACEHOLDER')).replace(
        'PLACEHOLDER',
        'caf\\u00e9 \\/ ok',
      );
      const response = await world.post(body);

      expect(response.status).toBe(200);
      const stored = await world.inbox();
      expect((stored[stored.length - 1].data as { body: string }).body).toBe(body);
      await world.processed();
      const message = (await world.conversation()).find(
        (event) => (event.data as { wamid?: string }).wamid === 'wamid.unicode',
      );
      expect(message?.data).toMatchObject({ content: { kind: 'text', body: 'café / ok' } });
    });

    it('accepts a payload above the default 1 MB limit (Meta sends up to 3 MB)', async () => {
      const body = JSON.stringify(textPayload('wamid.large', 'x'.repeat(2 * 1024 * 1024)));
      expect((await world.post(body)).status).toBe(200);
      await world.processed();
      expect(receivedWamids(await world.conversation())).toContain('wamid.large');
    });

    it('gives one message for a payload Meta retried and for a message repeated in another payload', async () => {
      const once = JSON.stringify(textPayload('wamid.dup', 'Only once'));
      const both = textPayload('wamid.dup', 'Only once');
      const messages = both.entry[0].changes[0].value.messages;
      messages.push({ ...messages[0], id: 'wamid.dup-2' });

      expect((await world.post(once)).status).toBe(200);
      expect((await world.post(once)).status).toBe(200);
      expect((await world.post(JSON.stringify(both))).status).toBe(200);
      await world.processed();

      const wamids = receivedWamids(await world.conversation());
      expect(wamids.filter((wamid) => wamid === 'wamid.dup')).toHaveLength(1);
      expect(wamids.filter((wamid) => wamid === 'wamid.dup-2')).toHaveLength(1);
      // The retried bytes were stored once, so only the repeat inside the other payload met a duplicate.
      expect(await world.metrics()).toMatch(/^whatsapp_messages_routed_total\{outcome="duplicate"\} 1$/m);
    });

    it('stores a message to a number no channel holds, routes it nowhere and counts it as unrouted', async () => {
      const before = (await world.inbox()).length;
      const body = JSON.stringify(
        textPayload('wamid.stranger', 'Hello?', { phoneNumberId: '999000999', display: '15550001111' }),
      );

      expect((await world.post(body)).status).toBe(200);
      expect(await world.inbox()).toHaveLength(before + 1);
      await world.processed();
      expect(await world.conversation(undefined, '999000999')).toEqual([]);
      expect(await world.metrics()).toMatch(/^whatsapp_messages_unrouted_total\{reason="CHANNEL_NOT_CONNECTED"\} 1$/m);
    });
  });

  describe('A number added to the account after it was connected', () => {
    const added = { phoneNumberId: '106540352200002', displayNumber: '+972123450002' };
    /** A text to the added number, stamped by Meta at `timestamp` (whole seconds). */
    const toAdded = (wamid: string, timestamp: number) => {
      const payload = textPayload(wamid, 'Hi', { phoneNumberId: added.phoneNumberId, display: '972123450002' });
      payload.entry[0]!.changes[0]!.value.messages[0]!.timestamp = String(timestamp);
      return JSON.stringify(payload);
    };
    const addedAt = Date.parse('2023-10-12T10:00:00.500Z');

    beforeAll(async () => {
      world.clock.set(new Date(addedAt).toISOString());
      await world.bus.execute(new AddPhoneNumberCommand(admin, { accountId: 'account-1', ...added }));
      // Received a day later: a message stamped after its receipt would not be Meta's.
      world.clock.set(new Date(addedAt + 24 * 3_600_000).toISOString());
    });

    afterAll(() => world.clock.set(RECEIVED_AT));

    it('imports nothing sent to it before it was added, though its account was connected then', async () => {
      expect((await world.post(toAdded('wamid.before-added', Math.floor(addedAt / 1000) - 3600))).status).toBe(200);
      await world.processed();
      expect(await world.conversation(undefined, added.phoneNumberId)).toEqual([]);
      expect(await world.metrics()).toMatch(
        /^whatsapp_messages_unrouted_total\{reason="MESSAGE_PREDATES_CONNECTION"\} 1$/m,
      );
    });

    it("imports a message stamped in the second it was added, at Meta's precision", async () => {
      expect((await world.post(toAdded('wamid.same-second', Math.floor(addedAt / 1000)))).status).toBe(200);
      await world.processed();
      expect(receivedWamids(await world.conversation(undefined, added.phoneNumberId))).toEqual(['wamid.same-second']);
    });
  });

  describe('Delivery statuses', () => {
    const conversationId = conversationIdOf({ portalId, phoneNumberId, contactWaId });
    /** A status fixture of pywa, about our message `wamid`. */
    const statusPayload = (name: string, wamid: string, extra: Record<string, unknown> = {}) => {
      const payload = pywaPayload('message_status.json', name) as {
        entry: { changes: { value: { statuses: object[] } }[] }[];
      };
      const value = payload.entry[0].changes[0].value;
      value.statuses = [{ ...value.statuses[0], id: wamid, ...extra }];
      return JSON.stringify(payload);
    };
    const statusesOf = async (messageId: string) =>
      (await world.conversation())
        .filter(
          (event) =>
            event.type === 'DeliveryStatusRecorded' && (event.data as { messageId: string }).messageId === messageId,
        )
        .map((event) => (event.data as { status: string }).status);
    const reply = async (body: string) => {
      const origin = { ...admin, idempotencyKey: `reply-${body}` };
      return (await world.bus.execute(new ReplyToContactCommand(origin, conversationId, { kind: 'text', body })))
        .messageId;
    };

    it('records a status of a message we sent, found by its wamid or by the id we gave Meta', async () => {
      await world.processed();
      const first = await reply('Hello from the help desk');
      await world.bus.execute(
        new RunConversationCommand(admin, conversationId, 'RecordOutboundWamid', {
          messageId: first,
          wamid: 'wamid.out-1',
        }),
      );
      const second = await reply('And once more');

      expect((await world.post(statusPayload('delivered', 'wamid.out-1'))).status).toBe(200);
      expect(
        (await world.post(statusPayload('read', 'wamid.out-2', { biz_opaque_callback_data: second }))).status,
      ).toBe(200);
      expect((await world.post(statusPayload('with_tracker', 'wamid.out-1'))).status).toBe(200);
      expect((await world.post(statusPayload('failed', 'wamid.xyzxyz'))).status).toBe(200);
      await world.processed();

      expect(await statusesOf(first)).toEqual(['delivered']);
      expect(await statusesOf(second)).toEqual(['read']);
      const metrics = await world.metrics();
      expect(metrics).toMatch(/^whatsapp_statuses_recorded_total\{status="delivered"\} 1$/m);
      expect(metrics).toMatch(/^whatsapp_statuses_recorded_total\{status="read"\} 1$/m);
      // "sent" after "delivered" (the tracker is not one of our ids) keeps only Meta's time;
      // "failed" names an inbound message.
      expect(metrics).toMatch(/^whatsapp_statuses_not_recorded_total\{reason="late"\} 1$/m);
      expect(metrics).toMatch(/^whatsapp_statuses_not_recorded_total\{reason="MESSAGE_NOT_FOUND"\} 1$/m);
    });

    it("keeps Meta's whole reason when a message we sent failed", async () => {
      await world.processed();
      const failed = await reply('This one will fail');
      await world.bus.execute(
        new RunConversationCommand(admin, conversationId, 'RecordOutboundWamid', {
          messageId: failed,
          wamid: 'wamid.out-9',
        }),
      );

      expect((await world.post(statusPayload('failed', 'wamid.out-9'))).status).toBe(200);
      await world.processed();

      const recorded = (await world.conversation()).find(
        (event) =>
          event.type === 'DeliveryStatusRecorded' && (event.data as { messageId: string }).messageId === failed,
      );
      expect(recorded?.data).toMatchObject({
        status: 'failed',
        error: {
          code: 130472,
          title: "User's number is part of an experiment",
          message: "User's number is part of an experiment",
          details: "Failed to send message because this user's phone number is part of an experiment",
        },
      });
    });
  });
});
