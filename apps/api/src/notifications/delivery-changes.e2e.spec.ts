import { RunConversationCommand } from '@helpdesk/commands/conversation/conversation-command.handler.js';
import { ReplyToContactCommand } from '@helpdesk/commands/conversation/reply-to-contact.handler.js';
import type { CommandOrigin } from '@helpdesk/commands/shared/command-origin.js';
import { conversationStreamName } from '@helpdesk/domain';
import { EVENT_STORE, type EventStore } from '@helpdesk/event-store';
import { ReadStore } from '@helpdesk/read-store';
import { eventsOf } from '../../../../test/support/stream-events.js';
import { ProjectionsService } from '../projections/projections.service.js';
import { notificationsOf } from './notifications-of-event.js';
import { parsePosition } from '../graphql/positions.js';
import {
  NUMBERS,
  type NotificationsWorld,
  type PortalName,
  openNotificationsWorld,
} from './notifications.test-world.js';
import type { Subscription } from './subscriber.test-world.js';

const DELIVERIES = `subscription($conversationId: ID, $afterPosition: String) {
  messageDeliveryChanged(conversationId: $conversationId, afterPosition: $afterPosition) {
    conversationId messageId position
    delivery { status sentAt deliveredAt readAt failedAt error { code title message } }
    dispatch { state }
  }
}`;
const THREAD = `query($id: ID!) { conversation(id: $id) { thread { nodes { id delivery { status readAt } } } } }`;

type Change = {
  conversationId: string;
  messageId: string;
  position: string;
  delivery: { status: string | null; readAt: string | null; failedAt: string | null; error: unknown } | null;
};

/** The first notification (after `skip` of them) whose delivery has this status: dispatch changes may come between. */
async function changeWithStatus(subscription: Subscription, status: string, skip = 0): Promise<Change> {
  for (let count = skip + 1; ; count++) {
    const change = (await subscription.whenReceived(count))[count - 1].data?.messageDeliveryChanged as Change;
    if (change.delivery?.status === status) return change;
  }
}

/** Meta's status webhooks on a reply, told to the agents who follow the conversation. */
describe('notifications: messageDeliveryChanged', () => {
  let world: NotificationsWorld;
  beforeEach(async () => (world = await openNotificationsWorld()));
  afterEach(() => world.close());

  let wamids = 0;
  /** A contact writes, an agent replies, and Meta gave the reply its id. */
  async function replied(portalId: PortalName, from = '+33612345678') {
    const { conversationId } = await world.receive(portalId, `wamid.in-${++wamids}`, from);
    const origin: CommandOrigin = { portalId, actor: { kind: 'user', id: `${portalId}-agent` } };
    const { messageId } = await world.bus.execute(
      new ReplyToContactCommand(origin, conversationId, { kind: 'text', body: 'On its way' }),
    );
    const wamid = `wamid.out-${++wamids}`;
    await world.bus.execute(
      new RunConversationCommand(origin, conversationId, 'RecordOutboundWamid', { messageId, wamid }),
    );
    return { conversationId, messageId, wamid };
  }

  function status(
    portalId: PortalName,
    conversationId: string,
    wamid: string,
    value: 'delivered' | 'read' | 'failed',
    at: string,
    error?: { code: number; title: string; message?: string },
  ) {
    const meta: CommandOrigin = { portalId, actor: { kind: 'whatsapp', id: NUMBERS[portalId] } };
    return world.bus.execute(
      new RunConversationCommand(meta, conversationId, 'RecordDeliveryStatus', {
        wamid,
        status: value,
        at,
        ...(error && { error }),
      }),
    );
  }

  it("tells of a reply's read status with its time, once the thread shows it, and of a failure with Meta's error", async () => {
    const reply = await replied('acme');
    const changes = world.subscriber(world.token('acme')).subscribe(DELIVERIES);
    await world.subscriptionsStarted('messageDeliveryChanged', 1);

    await status('acme', reply.conversationId, reply.wamid, 'read', '2024-11-05T09:05:00.000Z');
    const read = await changeWithStatus(changes, 'READ');
    expect(read).toMatchObject({
      conversationId: reply.conversationId,
      messageId: reply.messageId,
      delivery: { status: 'READ', readAt: '2024-11-05T09:05:00.000Z', error: null },
      dispatch: { state: 'SENT' },
    });
    expect(parsePosition(read.position)).not.toBeNull();
    // Announced once the read models include it: re-reading the thread shows the same tick.
    const thread = await world.graphql(THREAD, { id: reply.conversationId }, world.token('acme'));
    expect(thread.data?.conversation.thread.nodes).toContainEqual({
      id: reply.messageId,
      delivery: { status: 'READ', readAt: '2024-11-05T09:05:00.000Z' },
    });

    const other = await replied('acme', '+33699999999');
    const error = { code: 131026, title: 'Message undeliverable', message: 'Receiver is incapable of receiving' };
    await status('acme', other.conversationId, other.wamid, 'failed', '2024-11-05T09:06:00.000Z', error);
    const failed = await changeWithStatus(changes, 'FAILED', changes.received.length);
    expect(failed).toMatchObject({
      messageId: other.messageId,
      delivery: { status: 'FAILED', failedAt: '2024-11-05T09:06:00.000Z', error },
    });
  });

  it('gives no delivery or dispatch the read models could not vouch for, and nothing for a stream outside the portal', async () => {
    const reply = await replied('acme');
    const recorded = await status('acme', reply.conversationId, reply.wamid, 'read', '2024-11-05T09:05:00.000Z');
    await world.app.get(ProjectionsService).whenCaughtUp(recorded.position);
    const store = world.app.get<symbol, EventStore>(EVENT_STORE);
    const event = (await eventsOf(store, conversationStreamName(reply.conversationId))).find(
      (each) => each.type === 'DeliveryStatusRecorded',
    )!;
    const db = world.app.get(ReadStore).db;
    const [unconfirmed] = await notificationsOf(event, db, false);
    expect(unconfirmed).toMatchObject({
      kind: 'messageDeliveryChanged',
      portalId: 'acme',
      body: { conversationId: reply.conversationId, messageId: reply.messageId, delivery: null, dispatch: null },
    });
    const [confirmed] = await notificationsOf(event, db, true);
    expect(confirmed).toMatchObject({ body: { delivery: { status: 'read' } } });
    // An event whose tenant does not own its conversation id is announced to no one.
    const forged = { ...event, metadata: { ...event.metadata, tenantId: 'globex' } };
    await expect(notificationsOf(forged, db, true)).resolves.toEqual([]);
  });

  it("follows one conversation when asked to, and never hears another portal's", async () => {
    const mine = await replied('acme');
    const elsewhere = await replied('acme', '+33699999999');
    const foreign = await replied('globex', '+4915112345678');
    const one = world.subscriber(world.token('acme')).subscribe(DELIVERIES, { conversationId: mine.conversationId });
    await world.subscriptionsStarted('messageDeliveryChanged', 1);

    await status('globex', foreign.conversationId, foreign.wamid, 'read', '2024-11-05T09:04:00.000Z');
    await status('acme', elsewhere.conversationId, elsewhere.wamid, 'read', '2024-11-05T09:05:00.000Z');
    await status('acme', mine.conversationId, mine.wamid, 'delivered', '2024-11-05T09:06:00.000Z');
    await changeWithStatus(one, 'DELIVERED');
    const conversations = one.received.map((delivery) => delivery.data?.messageDeliveryChanged.conversationId);
    expect(new Set(conversations)).toEqual(new Set([mine.conversationId]));
  });

  it('resumes after a reconnect: a status missed meanwhile goes out once, then live ones', async () => {
    const reply = await replied('acme');
    const first = world.subscriber(world.token('acme'));
    const before = first.subscribe(DELIVERIES, { conversationId: reply.conversationId });
    await world.subscriptionsStarted('messageDeliveryChanged', 1);
    await status('acme', reply.conversationId, reply.wamid, 'delivered', '2024-11-05T09:05:00.000Z');
    const seen = await changeWithStatus(before, 'DELIVERED');
    await first.close();

    // While the client is away: the contact reads the reply.
    const missed = await status('acme', reply.conversationId, reply.wamid, 'read', '2024-11-05T09:06:00.000Z');
    await world.app.get(ProjectionsService).whenCaughtUp(missed.position);

    const resumed = world
      .subscriber(world.token('acme'))
      .subscribe(DELIVERIES, { conversationId: reply.conversationId, afterPosition: seen.position });
    await world.subscriptionsStarted('messageDeliveryChanged', 2);
    // Live: the agent's next reply in the conversation is read too.
    const later = await replied('acme');
    await changeWithStatus(resumed, 'READ');
    await status('acme', later.conversationId, later.wamid, 'read', '2024-11-05T09:07:00.000Z');
    await changeWithStatus(resumed, 'READ', resumed.received.length);
    const told = resumed.received
      .map((delivery) => delivery.data?.messageDeliveryChanged as Change)
      .filter((change) => change.delivery?.status)
      .map(({ messageId, delivery }) => [messageId, delivery?.status]);
    // The missed read once, not the delivered status the client had, then the live one.
    expect(told).toEqual([
      [reply.messageId, 'READ'],
      [later.messageId, 'READ'],
    ]);
    const positions = resumed.received.map((delivery) => delivery.data?.messageDeliveryChanged.position);
    expect(new Set(positions).size).toBe(positions.length);
    expect(positions).not.toContain(seen.position);
  });
});
