import { conversationStreamName } from '@helpdesk/domain';
import type { CommandOrigin } from '../shared/command-origin.js';
import {
  HOUR,
  type World,
  agent,
  conversationOf,
  inboundMessage,
  later,
  openWorld,
  phoneNumberId,
  portalId,
  refusalOf,
} from './conversation.test-world.js';
import { RunConversationCommand, RunConversationCommandHandler } from './conversation-command.handler.js';
import { ReplyToContactCommand } from './reply-to-contact.handler.js';

const sentAt = '2025-03-10T09:00:00.000Z';
const meta: CommandOrigin = { portalId, actor: { kind: 'whatsapp', id: phoneNumberId } };
const auditor: CommandOrigin = { portalId, actor: { kind: 'user', id: 'auditor-1' } };

describe('Tracking messages of a conversation against the embedded store', () => {
  let world: World;
  const eventsOfType = async (type: string) =>
    (await world.eventsOf(conversationStreamName(conversationOf()))).filter((event) => event.type === type);

  beforeEach(async () => {
    world = await openWorld({ connectedAt: '2025-03-01T08:00:00.000Z' });
    world.clock.set(sentAt);
  });

  afterEach(() => world.close());

  it('records each delivery step once, whatever the order and repetitions of the webhooks', async () => {
    await world.receive(inboundMessage('wamid.a', sentAt));
    world.clock.set(later(sentAt, HOUR));
    const { messageId } = await world.replies.execute(
      new ReplyToContactCommand(agent(), conversationOf(), { kind: 'text', body: 'Your order shipped' }),
    );
    await new RunConversationCommandHandler(world.store, world.clock).execute(
      new RunConversationCommand(
        { ...agent(), actor: { kind: 'system', id: 'dispatcher' } },
        conversationOf(),
        'RecordOutboundWamid',
        {
          messageId,
          wamid: 'wamid.out-1',
        },
      ),
    );
    const statuses = new RunConversationCommandHandler(world.store, world.clock);
    const status = (value: 'sent' | 'delivered' | 'read', at: string) =>
      statuses.execute(
        new RunConversationCommand(meta, conversationOf(), 'RecordDeliveryStatus', {
          wamid: 'wamid.out-1',
          status: value,
          at,
        }),
      );
    await Promise.all([status('read', later(sentAt, 3 * HOUR)), status('read', later(sentAt, 3 * HOUR))]);
    await Promise.all([status('sent', later(sentAt, HOUR)), status('delivered', later(sentAt, 2 * HOUR))]);

    const recorded = await eventsOfType('DeliveryStatusRecorded');
    expect(recorded.map((event) => event.data)).toEqual([{ messageId, status: 'read', at: later(sentAt, 3 * HOUR) }]);
  });

  it('refuses a status for a WhatsApp id it does not know yet, so Meta retries it', async () => {
    await world.receive(inboundMessage('wamid.a', sentAt));
    const error = await refusalOf(
      new RunConversationCommandHandler(world.store, world.clock).execute(
        new RunConversationCommand(meta, conversationOf(), 'RecordDeliveryStatus', {
          wamid: 'wamid.unknown',
          status: 'sent',
          at: sentAt,
        }),
      ),
    );
    expect(error.code).toBe('MESSAGE_NOT_FOUND');
  });

  it('quarantines a message and records who revealed it, and why', async () => {
    const { messageId } = await world.receive(inboundMessage('wamid.a', sentAt));
    await new RunConversationCommandHandler(world.store, world.clock).execute(
      new RunConversationCommand(
        { ...meta, actor: { kind: 'system', id: 'content-policy' } },
        conversationOf(),
        'QuarantineMessage',
        {
          messageId,
          reason: 'phishing link',
        },
      ),
    );
    await new RunConversationCommandHandler(world.store, world.clock).execute(
      new RunConversationCommand(auditor, conversationOf(), 'RevealQuarantinedMessage', {
        messageId,
        reason: 'fraud case 42',
      }),
    );

    const [revealed] = await eventsOfType('QuarantinedContentRevealed');
    expect(revealed.data).toMatchObject({ messageId, reason: 'fraud case 42' });
    expect(revealed.metadata).toMatchObject({ actorId: 'user:auditor-1', tenantId: portalId });
  });

  it('refuses a command on a conversation of another portal as if it did not exist', async () => {
    const { messageId } = await world.receive(inboundMessage('wamid.a', sentAt));
    const stranger: CommandOrigin = { portalId: 'other', actor: { kind: 'user', id: 'intruder' } };
    const error = await refusalOf(
      new RunConversationCommandHandler(world.store, world.clock).execute(
        new RunConversationCommand(stranger, conversationOf(), 'RevealQuarantinedMessage', {
          messageId,
          reason: 'curious',
        }),
      ),
    );
    expect(error.code).toBe('CONVERSATION_NOT_FOUND');
  });
});
