import { type InProcessEventStoreDB, startInProcessEventStoreDB } from '../../../../test/esdb-server/index.js';
import { ProjectionsService } from '../projections/projections.service.js';
import { type NotificationsWorld, openNotificationsWorld } from './notifications.test-world.js';

const MESSAGES = `subscription($afterPosition: String) {
  messageReceived(afterPosition: $afterPosition) { messageId preview position }
}`;

/*
 * EventStoreDB serves 100 HTTP/2 streams per connection; the service keeps one client. GraphQL
 * subscriptions fan out from the process's one `$all` subscription, and a resume reads what was
 * missed with a finite read, so 150 subscribers (half of them resuming) hold no stream each and
 * writes and reads go on being answered.
 */
describe('notifications: 150 GraphQL subscribers on EventStoreDB', () => {
  let server: InProcessEventStoreDB;
  let world: NotificationsWorld;
  beforeEach(async () => {
    server = await startInProcessEventStoreDB();
    // One socket for all of them: the per-socket cap is not what is tested here.
    world = await openNotificationsWorld({ EVENTSTORE_URL: server.connectionString, WS_MAX_SUBSCRIPTIONS: '200' });
    // Booting the API late in the suite's jest process took over 30 s in CI.
  }, 120_000);
  afterEach(async () => {
    await world?.close();
    await server.shutdown();
  });

  it('keeps answering writes and reads, and delivers to every subscriber', async () => {
    const first = await world.receive('acme', 'wamid.first', '+33612345678', 'first');
    await world.app.get(ProjectionsService).whenCaughtUp(first.position);
    const afterPosition = `${first.position!.commit}:${first.position!.prepare}`;
    const subscriber = world.subscriber(world.token('acme'));
    const subscriptions = Array.from({ length: 150 }, (_, n) =>
      subscriber.subscribe(MESSAGES, n % 2 === 0 ? { afterPosition } : {}),
    );
    await world.subscriptionsStarted('messageReceived', 150);

    const next = await world.receive('acme', 'wamid.next', '+33612345678', 'next');
    await world.app.get(ProjectionsService).whenCaughtUp(next.position);
    for (const subscription of subscriptions) {
      const [delivery] = await subscription.whenReceived(1);
      expect(delivery.data?.messageReceived.preview).toBe('next');
    }
  }, 120_000);
});
