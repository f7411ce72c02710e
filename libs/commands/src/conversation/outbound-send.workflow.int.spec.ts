import { conversationStreamName, dailyQuotaStreamName, monthlyQuotaStreamName } from '@helpdesk/domain';
import { QuotaGate } from '../quota/quota-gate.js';
import type { BusinessInitiatedRequest } from '../quota/quota-requests.js';
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
import { OutboundSendWorkflow } from './outbound-send.workflow.js';

const sentAt = '2025-03-10T09:00:00.000Z';
const period = '2025-02-15';
const parameters = { body: ['Ana', '#1042'] };

/** A gate under which the contact writes again right after each business-initiated reservation: the session opens meanwhile. */
class ContactWritesWhileReserving extends QuotaGate {
  reservations = 0;

  constructor(private readonly world: World) {
    super(world.store);
  }

  override async reserveBusinessInitiatedConversation(request: BusinessInitiatedRequest) {
    const reservation = await super.reserveBusinessInitiatedConversation(request);
    this.reservations++;
    await this.world.receive(
      inboundMessage(`wamid.again-${this.reservations}`, later(request.now.toISOString(), -this.reservations * 1000)),
    );
    return reservation;
  }
}

describe('The outbound send workflow', () => {
  let world: World;
  const typesOf = async (stream: string) => (await world.eventsOf(stream)).map((event) => event.type);

  beforeEach(async () => {
    world = await openWorld({ connectedAt: '2025-03-01T08:00:00.000Z' });
    world.clock.set(sentAt);
    await world.receive(inboundMessage('wamid.a', sentAt));
    world.clock.set(later(sentAt, DAY + HOUR));
  });

  afterEach(() => world.close());

  it('gives back the business-initiated reservation when a session opened meanwhile, and sends within it', async () => {
    const gate = new ContactWritesWhileReserving(world);
    const send = new OutboundSendWorkflow(world.store, world.clock, gate);

    const receipt = await send.sendTemplate(agent(), conversationOf(), { ...template, parameters });

    expect(receipt.recorded).toEqual(['TemplateMessageAccepted']);
    expect(gate.reservations).toBe(1);
    const accepted = (await world.eventsOf(conversationStreamName(conversationOf()))).find(
      (event) => event.type === 'TemplateMessageAccepted',
    );
    expect(accepted?.data).toMatchObject({ conversationKind: 'within_session', messageId: receipt.messageId });
    expect(await typesOf(monthlyQuotaStreamName(portalId, period))).toEqual([
      'ConversationCounted',
      'ConversationReleased',
    ]);
    expect(await typesOf(dailyQuotaStreamName(accountId, '2025-03-11'))).toEqual([
      'BusinessInitiatedCounted',
      'BusinessInitiatedReleased',
    ]);
  });

  it('has nothing to do for a message already recorded, and counts nothing for it', async () => {
    const send = new OutboundSendWorkflow(world.store, world.clock, new QuotaGate(world.store));
    const first = await send.sendTemplate(agent('req-1'), conversationOf(), { ...template, parameters });
    const again = await send.sendTemplate(agent(), conversationOf(), { ...template, parameters }, first.messageId);

    expect(again).toEqual({ conversationId: conversationOf(), recorded: [], messageId: first.messageId });
    expect(await typesOf(monthlyQuotaStreamName(portalId, period))).toEqual(['ConversationCounted']);
  });

  it('refuses a reply outside the session before counting anything', async () => {
    const send = new OutboundSendWorkflow(world.store, world.clock, new QuotaGate(world.store));

    const refusal = await refusalOf(
      send.reply(agent(), conversationOf(), { kind: 'text', body: 'Hello?' }, world.uploads),
    );

    expect(refusal.code).toBe('SESSION_CLOSED');
    expect(await typesOf(monthlyQuotaStreamName(portalId, period))).toEqual([]);
  });

  describe('a reply with an upload', () => {
    const upload = {
      uploadId: 'q0JdVt2xQ0a5nXv8kL3m9w',
      storageKey: 'uploads/p/q0JdVt2xQ0a5nXv8kL3m9w',
      sha256: 'ab'.repeat(32),
    };
    const invoice = { kind: 'document', mimeType: 'application/pdf', sizeBytes: 1_000, upload } as const;
    const replyTypes = () => typesOf(conversationStreamName(conversationOf()));

    beforeEach(() => {
      world.uploads.eventsNow = replyTypes;
    });

    it('claims the upload once the reply may be sent, before the reply is recorded', async () => {
      world.clock.set(later(sentAt, HOUR));
      world.uploads.keep(upload);
      const send = new OutboundSendWorkflow(world.store, world.clock, new QuotaGate(world.store));

      const receipt = await send.reply(agent(), conversationOf(), invoice, world.uploads);

      expect(receipt.recorded).toEqual(['ReplyAccepted']);
      expect(world.uploads.claims).toHaveLength(1);
      expect(world.uploads.claims[0]).toMatchObject({ uploadId: upload.uploadId, portalId });
      expect(world.uploads.claims[0].eventsBefore).not.toContain('ReplyAccepted');
      expect(await replyTypes()).toContain('ReplyAccepted');
    });

    it('leaves the upload unclaimed when the reply is refused: it expires', async () => {
      world.uploads.keep(upload);
      const send = new OutboundSendWorkflow(world.store, world.clock, new QuotaGate(world.store));

      const refusal = await refusalOf(send.reply(agent(), conversationOf(), invoice, world.uploads));

      expect(refusal.code).toBe('SESSION_CLOSED');
      expect(world.uploads.claims).toEqual([]);
    });

    it('records nothing and gives back what it counted when the upload cannot be claimed', async () => {
      // Before 1 November 2024 a session's first reply is counted: there is something to give back.
      await world.close();
      world = await openWorld({ connectedAt: '2024-10-01T08:00:00.000Z' });
      world.uploads.eventsNow = replyTypes;
      await world.receive(inboundMessage('wamid.a', '2024-10-20T09:00:00.000Z'));
      world.clock.set('2024-10-20T10:00:00.000Z');
      const send = new OutboundSendWorkflow(world.store, world.clock, new QuotaGate(world.store));
      const before = await replyTypes();

      const refusal = await refusalOf(send.reply(agent(), conversationOf(), invoice, world.uploads));

      expect(refusal.code).toBe('MEDIA_UPLOAD_NOT_FOUND');
      expect(await replyTypes()).toEqual(before);
      expect(await typesOf(monthlyQuotaStreamName(portalId, '2024-10-15'))).toEqual([
        'ConversationCounted',
        'ConversationReleased',
      ]);
    });

    it('claims nothing for a text reply', async () => {
      world.clock.set(later(sentAt, HOUR));
      const send = new OutboundSendWorkflow(world.store, world.clock, new QuotaGate(world.store));

      await send.reply(agent(), conversationOf(), { kind: 'text', body: 'On its way' }, world.uploads);

      expect(world.uploads.claims).toEqual([]);
    });
  });
});
