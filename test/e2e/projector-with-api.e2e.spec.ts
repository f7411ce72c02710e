import { EVENT_STORE, type EventStore } from '@helpdesk/event-store';
import { ReadStore } from '@helpdesk/read-store';
import { formatPosition } from '../../apps/api/src/graphql/positions.js';
import {
  type NotificationsWorld,
  openNotificationsWorld,
} from '../../apps/api/src/notifications/notifications.test-world.js';
import { ProjectionsService } from '../../apps/api/src/projections/projections.service.js';
import { REGISTERED_PROJECTIONS } from '@helpdesk/projections/registered-projections.js';
import { Projector } from '../../apps/projector/src/projector.js';
import { CapturedLog } from '../../apps/projector/src/projector.test-world.js';

const TICKETS = 'query($at: String) { tickets(atLeastPosition: $at) { nodes { preview unreadCount } } }';

/** The API with PROJECTIONS=off and the projector worker beside it, as in a deployment with several API instances. */
describe('API with PROJECTIONS=off and the projector worker', () => {
  let world: NotificationsWorld;
  let projector: Projector;

  beforeEach(async () => {
    world = await openNotificationsWorld({ PROJECTIONS: 'off' });
    const store = world.app.get<symbol, EventStore>(EVENT_STORE);
    projector = new Projector({
      store,
      db: world.app.get(ReadStore).db,
      projections: REGISTERED_PROJECTIONS,
      log: new CapturedLog(),
    });
  });

  afterEach(async () => {
    await projector.stop();
    await world.close();
  });

  it('runs no read model in the API; reads and notifications follow the checkpoints the projector commits', async () => {
    const projections = world.app.get(ProjectionsService);
    expect(projections.mode).toBe('off');
    expect(projections.statuses().every((status) => status.state === 'stopped' && status.position === null)).toBe(true);

    projector.start();
    await projector.whenState('projecting');
    const messages = world
      .subscriber(world.token('acme'))
      .subscribe('subscription { messageReceived { preview position } }');
    await world.subscriptionsStarted('messageReceived', 1);

    const receipt = await world.receive('acme', 'wamid.1', '+33612345678', 'Where is my order?');
    const answer = await world.graphql(TICKETS, { at: formatPosition(receipt.position!) }, world.token('acme'));
    expect(answer.data?.tickets.nodes).toEqual([{ preview: 'Where is my order?', unreadCount: 1 }]);
    const [delivery] = await messages.whenReceived(1);
    expect(delivery.data?.messageReceived).toMatchObject({ preview: 'Where is my order?' });

    // What the API reports in this mode: the projector's checkpoints, read from the read store.
    expect(projections.statuses().map((status) => status.name)).toEqual(
      REGISTERED_PROJECTIONS.map((projection) => projection.name),
    );
    expect(projections.statuses().every((status) => status.position !== null && status.lastError === null)).toBe(true);
  });
});
