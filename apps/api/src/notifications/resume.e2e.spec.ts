import { ProjectionsService } from '../projections/projections.service.js';
import { MAX_MISSED_NOTIFICATIONS } from './missed-notifications.js';
import { type NotificationsWorld, openNotificationsWorld } from './notifications.test-world.js';

const MESSAGES = `subscription($afterPosition: String, $conversationId: ID) {
  messageReceived(afterPosition: $afterPosition, conversationId: $conversationId) { messageId preview position }
}`;
const TICKETS =
  'subscription($afterPosition: String) { ticketChanged(afterPosition: $afterPosition) { ticketId change position } }';

/** A client that lost its WebSocket reconnects with the position of the last notification it had. */
describe('notifications: resuming a subscription after a reconnect', () => {
  let world: NotificationsWorld;
  beforeEach(async () => (world = await openNotificationsWorld()));
  afterEach(() => world.close());

  it('sends what was missed, in order, then live ones, none twice and nothing of another portal', async () => {
    const first = world.subscriber(world.token('acme'));
    const before = first.subscribe(MESSAGES);
    await world.subscriptionsStarted('messageReceived', 1);
    await world.receive('acme', 'wamid.1', '+33612345678', 'one');
    const [seen] = await before.whenReceived(1);
    await first.close();

    // While the client is away: two messages of its portal, one of another.
    await world.receive('acme', 'wamid.2', '+33612345678', 'two');
    await world.receive('globex', 'wamid.g', '+4915112345678', 'not yours');
    const last = await world.receive('acme', 'wamid.3', '+33699999999', 'three');
    await world.app.get(ProjectionsService).whenCaughtUp(last.position);

    const resumed = world
      .subscriber(world.token('acme'))
      .subscribe(MESSAGES, { afterPosition: seen.data?.messageReceived.position });
    await world.subscriptionsStarted('messageReceived', 2);
    await world.receive('acme', 'wamid.4', '+33612345678', 'four');
    const deliveries = await resumed.whenReceived(3);
    expect(deliveries.map((delivery) => delivery.data?.messageReceived.preview)).toEqual(['two', 'three', 'four']);
    const positions = deliveries.map((delivery) => delivery.data?.messageReceived.position as string);
    expect(new Set(positions).size).toBe(3);
    expect(JSON.stringify(resumed.received)).not.toContain('not yours');
  });

  it('resumes ticket changes and one conversation alike', async () => {
    const opened = await world.receive('acme', 'wamid.a', '+33612345678', 'a');
    await world.receive('acme', 'wamid.other', '+33699999999', 'other');
    const last = await world.receive('acme', 'wamid.b', '+33612345678', 'b');
    await world.app.get(ProjectionsService).whenCaughtUp(last.position);
    const afterPosition = `${opened.position!.commit}:${opened.position!.prepare}`;

    const subscriber = world.subscriber(world.token('acme'));
    const changes = subscriber.subscribe(TICKETS, { afterPosition });
    const one = subscriber.subscribe(MESSAGES, { afterPosition, conversationId: opened.conversationId });
    const [otherOpened, otherMessage, sameMessage] = await changes.whenReceived(3);
    expect([otherOpened, otherMessage, sameMessage].map((delivery) => delivery.data?.ticketChanged.change)).toEqual([
      'OPENED',
      'MESSAGE_RECEIVED',
      'MESSAGE_RECEIVED',
    ]);
    const [only] = await one.whenReceived(1);
    expect(only.data?.messageReceived.preview).toBe('b');
  });

  it('refuses a position it could not have given, and a client too far behind', async () => {
    const subscriber = world.subscriber(world.token('acme'));
    const bad = subscriber.subscribe(MESSAGES, { afterPosition: 'yesterday' });
    expect(JSON.stringify(await bad.whenEnded())).toContain('BAD_USER_INPUT');

    const start = await world.receive('acme', 'wamid.start', '+33612345678');
    let last = start;
    for (let n = 0; n <= MAX_MISSED_NOTIFICATIONS; n++)
      last = await world.receive('acme', `wamid.flood-${n}`, `+3361${String(n).padStart(7, '0')}`);
    await world.app.get(ProjectionsService).whenCaughtUp(last.position);
    const behind = subscriber.subscribe(MESSAGES, {
      afterPosition: `${start.position!.commit}:${start.position!.prepare}`,
    });
    expect(JSON.stringify(await behind.whenEnded())).toContain('REPLAY_TOO_LONG');
    // A bound for a failure only: 1,001 webhooks one after another took over a minute with two suites on 2 cores.
  }, 300_000);
});
