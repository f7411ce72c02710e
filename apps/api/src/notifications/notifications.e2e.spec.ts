import { createRequire } from 'node:module';
import type WebSocketClass from 'ws';
import { conversationStreamName } from '@helpdesk/domain';
import { EVENT_STORE, type EventStore } from '@helpdesk/event-store';
import { ReadStore } from '@helpdesk/read-store';
import { eventsOf } from '../../../../test/support/stream-events.js';
import { signHs256Jwt } from '@helpdesk/auth';
import { parsePosition } from '../graphql/positions.js';
import { MetricsRegistry } from '../metrics/metrics-registry.js';
import { ProjectionsService } from '../projections/projections.service.js';
import { notificationsOf } from './notifications-of-event.js';
import { type NotificationsWorld, RECEIVED_AT, SECRET, openNotificationsWorld } from './notifications.test-world.js';

const MESSAGES = `subscription($conversationId: ID) {
  messageReceived(conversationId: $conversationId) { conversationId ticketId messageId preview sentAt position }
}`;
const TICKETS =
  'subscription { ticketChanged { ticketId conversationId change status ownerId unreadCount updatedAt position } }';
const LIST = '{ tickets { nodes { id preview unreadCount ownerId status } } }';
const ASSIGN = 'mutation($input: AssignTicketInput!) { assignTicket(input: $input) { position } }';
const CLOSE = 'mutation($input: CloseTicketInput!) { closeTicket(input: $input) { position } }';
const MARK_READ = 'mutation($input: MarkConversationReadInput!) { markConversationRead(input: $input) { position } }';
const QUARANTINE = 'mutation($input: QuarantineMessageInput!) { quarantineMessage(input: $input) { position } }';

// `ws` is already installed (Mercurius uses it); Node 20 has no WebSocket client of its own.
const WebSocket = createRequire(import.meta.url)('ws') as typeof WebSocketClass;

/** How the server closed a raw socket, and the messages it sent before. */
function closeOf(socket: WebSocketClass): Promise<{ code: number; reason: string; messages: unknown[] }> {
  const messages: unknown[] = [];
  socket.on('message', (data: Buffer) => messages.push(JSON.parse(String(data))));
  return new Promise((resolve) =>
    socket.once('close', (code: number, reason: Buffer) => resolve({ code, reason: String(reason), messages })),
  );
}

/** GraphQL subscriptions over a real WebSocket, with a real graphql-ws client, against the booted API. */
describe('notifications (GraphQL subscriptions)', () => {
  let world: NotificationsWorld;
  beforeEach(async () => (world = await openNotificationsWorld()));
  afterEach(() => world.close());

  it("tells an agent of a new message once the ticket list shows it, and never another portal's", async () => {
    const acme = world.subscriber(world.token('acme', ['agent'])).subscribe(MESSAGES);
    const globex = world.subscriber(world.token('globex', ['admin'])).subscribe(MESSAGES);
    await world.subscriptionsStarted('messageReceived', 2);

    const receipt = await world.receive('acme', 'wamid.acme-1', '+33612345678', 'Where is my order?');
    const [delivery] = await acme.whenReceived(1);
    expect(delivery.data?.messageReceived).toEqual({
      conversationId: receipt.conversationId,
      ticketId: expect.any(String),
      messageId: receipt.messageId,
      preview: 'Where is my order?',
      sentAt: RECEIVED_AT,
      position: expect.stringMatching(/^\d+:\d+$/),
    });
    // Announced after the read models committed: a plain re-query already shows it.
    const list = await world.graphql(LIST, {}, world.token('acme'));
    expect(list.data?.tickets.nodes).toEqual([
      expect.objectContaining({ preview: 'Where is my order?', unreadCount: 1 }),
    ]);

    // globex's own message is announced after acme's, on the same feed: had acme's reached globex, it would be first.
    await world.receive('globex', 'wamid.globex-1', '+4915112345678', 'Hallo');
    const [own] = await globex.whenReceived(1);
    expect(own.data?.messageReceived).toMatchObject({ preview: 'Hallo' });
    expect(globex.received).toHaveLength(1);
    expect(JSON.stringify(globex.received)).not.toContain(receipt.conversationId);
  });

  it('never previews quarantined content, nor content the read models could not vouch for', async () => {
    const { conversationId, messageId, position } = await world.receive(
      'acme',
      'wamid.q',
      '+33612345678',
      'Click http://phish.example',
    );
    const projections = world.app.get(ProjectionsService);
    await projections.whenCaughtUp(position);
    const input = { conversationId, messageId, reason: 'phishing' };
    const quarantined = await world.graphql(QUARANTINE, { input }, world.token('acme'));
    await projections.whenCaughtUp(parsePosition(quarantined.data?.quarantineMessage.position)!);

    // The announcement of that message, made again now that it is quarantined.
    const store = world.app.get<symbol, EventStore>(EVENT_STORE);
    const received = (await eventsOf(store, conversationStreamName(conversationId))).find(
      (event) => event.type === 'InboundMessageReceived',
    )!;
    const db = world.app.get(ReadStore).db;
    for (const confirmed of [true, false]) {
      const [message, ticket] = await notificationsOf(received, db, confirmed);
      expect(message).toMatchObject({ kind: 'messageReceived', portalId: 'acme', body: { messageId, preview: null } });
      expect(JSON.stringify(ticket)).not.toContain('phish');
    }
  });

  it('follows one conversation when asked to', async () => {
    const first = await world.receive('acme', 'wamid.a', '+33612345678');
    const one = world.subscriber(world.token('acme')).subscribe(MESSAGES, { conversationId: first.conversationId });
    await world.subscriptionsStarted('messageReceived', 1);
    await world.receive('acme', 'wamid.other-contact', '+33699999999');
    await world.receive('acme', 'wamid.b', '+33612345678');
    const [delivery] = await one.whenReceived(1);
    expect(delivery.data?.messageReceived).toMatchObject({
      conversationId: first.conversationId,
      preview: 'Hello (wamid.b)',
    });
  });

  it('tells of ticket changes: opened with the message, assigned, closed, each with the state after it', async () => {
    const changes = world.subscriber(world.token('acme')).subscribe(TICKETS);
    await world.subscriptionsStarted('ticketChanged', 1);
    const { conversationId } = await world.receive('acme', 'wamid.1');
    const [opened, received] = await changes.whenReceived(2);
    expect(opened.data?.ticketChanged).toMatchObject({ conversationId, change: 'OPENED', status: 'OPEN' });
    expect(received.data?.ticketChanged).toMatchObject({ change: 'MESSAGE_RECEIVED', unreadCount: 1 });
    const ticketId = opened.data?.ticketChanged.ticketId;

    const agent = world.token('acme');
    await world.graphql(ASSIGN, { input: { conversationId, ticketId, assigneeId: 'agent-7' } }, agent);
    await world.graphql(CLOSE, { input: { conversationId, ticketId } }, agent);
    const [, , assigned, closed] = await changes.whenReceived(4);
    expect(assigned.data?.ticketChanged).toMatchObject({
      ticketId,
      change: 'ASSIGNED',
      status: 'OPEN',
      ownerId: 'agent-7',
    });
    expect(closed.data?.ticketChanged).toMatchObject({
      ticketId,
      change: 'CLOSED',
      status: 'CLOSED',
      ownerId: 'agent-7',
    });
  });

  it("tells every agent's list when a conversation is marked read: READ with the unread count at 0", async () => {
    const colleague = world.subscriber(world.token('acme')).subscribe(TICKETS);
    const globex = world.subscriber(world.token('globex')).subscribe(TICKETS);
    await world.subscriptionsStarted('ticketChanged', 2);
    const { conversationId } = await world.receive('acme', 'wamid.unread-1');
    await world.receive('acme', 'wamid.unread-2');
    const [opened, , second] = await colleague.whenReceived(3);
    expect(second.data?.ticketChanged).toMatchObject({ change: 'MESSAGE_RECEIVED', unreadCount: 2 });

    const read = await world.graphql(MARK_READ, { input: { conversationId } }, world.token('acme'));
    expect(read.errors).toBeUndefined();
    const [, , , marked] = await colleague.whenReceived(4);
    expect(marked.data?.ticketChanged).toEqual({
      ticketId: opened.data?.ticketChanged.ticketId,
      conversationId,
      change: 'READ',
      status: 'OPEN',
      ownerId: null,
      unreadCount: 0,
      updatedAt: second.data?.ticketChanged.updatedAt,
      // ConversationMarkedRead's own; the mutation's is its last event (the receipt asked for, here).
      position: expect.stringMatching(/^\d+:\d+$/),
    });
    // Read again with nothing new: nothing recorded, nothing told.
    const again = await world.graphql(MARK_READ, { input: { conversationId } }, world.token('acme'));
    expect(again.data?.markConversationRead.position).toBeNull();
    // globex's own message comes after acme's read on the same feed: had the read reached globex, it would be first.
    await world.receive('globex', 'wamid.globex-after-read', '+4915112345678');
    const globexChanges = await globex.whenReceived(2);
    expect(globexChanges.map((delivery) => delivery.data?.ticketChanged.change)).toEqual([
      'OPENED',
      'MESSAGE_RECEIVED',
    ]);
    await world.receive('acme', 'wamid.unread-3');
    const [, , , , next] = await colleague.whenReceived(5);
    expect(next.data?.ticketChanged).toMatchObject({ change: 'MESSAGE_RECEIVED', unreadCount: 1 });
  });

  it('counts the open WebSockets and the operations under way on them in the metrics, down again as they end', async () => {
    const gauges = async () => {
      const text = await world.app.get(MetricsRegistry).render();
      const value = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1]);
      return { connections: value('graphql_websocket_connections'), operations: value('graphql_websocket_operations') };
    };
    const until = async (expected: { connections: number; operations: number }) => {
      while (JSON.stringify(await gauges()) !== JSON.stringify(expected))
        await new Promise((resolve) => setTimeout(resolve, 10));
    };
    expect(await gauges()).toEqual({ connections: 0, operations: 0 });

    const first = world.subscriber(world.token('acme'));
    const second = world.subscriber(world.token('globex'));
    const stopOne = first.client.subscribe(
      { query: MESSAGES },
      { next: () => {}, error: () => {}, complete: () => {} },
    );
    first.subscribe(TICKETS);
    second.subscribe(MESSAGES);
    await world.subscriptionsStarted('messageReceived', 2);
    await world.subscriptionsStarted('ticketChanged', 1);
    expect(await gauges()).toEqual({ connections: 2, operations: 3 });

    stopOne();
    await until({ connections: 2, operations: 2 });
    await second.close();
    await until({ connections: 1, operations: 1 });
  });

  it('refuses a connection without a valid token, and subscriptions to roles other than agent and admin', async () => {
    for (const token of [
      undefined,
      'not-a-jwt',
      signHs256Jwt({ sub: 'x', portalId: 'acme', roles: ['agent'], exp: 1 }, SECRET),
    ]) {
      const subscriber = world.subscriber(token);
      // graphql-transport-ws's refusal of a connection_init: the socket closes with 4403 before any operation.
      await expect(subscriber.connected()).rejects.toMatchObject({ code: 4403, reason: 'Forbidden' });
      expect(subscriber.closed).toMatchObject({ code: 4403, reason: 'Forbidden' });
    }
    for (const role of ['auditor', 'operator'] as const) {
      const refused = world.subscriber(world.token('acme', [role])).subscribe(MESSAGES);
      expect(await refused.whenEnded()).toEqual([
        expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }),
      ]);
    }
  });

  it('closes a graphql-transport-ws socket that subscribes before its connection was acknowledged with 4401', async () => {
    const socket = new WebSocket(world.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    await new Promise((resolve) => socket.once('open', resolve));
    const closed = closeOf(socket);
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: TICKETS } }));
    expect(await closed).toEqual({ code: 4401, reason: 'Unauthorized', messages: [] });
  });

  it('still refuses a connection of the older graphql-ws protocol with its connection_error message', async () => {
    const socket = new WebSocket(world.url.replace(/^http/, 'ws'), 'graphql-ws');
    await new Promise((resolve) => socket.once('open', resolve));
    const closed = closeOf(socket);
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: 'Bearer not-a-jwt' } }));
    expect((await closed).messages).toEqual([{ type: 'connection_error', payload: { message: 'Forbidden' } }]);
  });

  it('ends a subscription when its token expires, with UNAUTHENTICATED', async () => {
    const subscription = world.subscriber(world.token('acme', ['agent'], 1)).subscribe(TICKETS);
    expect(await subscription.whenEnded()).toEqual([
      expect.objectContaining({
        message: 'The bearer token has expired: reconnect with a new one',
        extensions: { code: 'UNAUTHENTICATED' },
      }),
    ]);
  });

  it('validates subscription documents (Mercurius itself does not)', async () => {
    const subscriber = world.subscriber(world.token('acme'));
    const unknown = subscriber.subscribe('subscription { messageReceived { nope } }');
    expect(await unknown.whenEnded()).toEqual([
      expect.objectContaining({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }),
    ]);
  });
});
