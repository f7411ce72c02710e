import type { ReadStore } from '@helpdesk/read-store';
import { HOUR, inboundMessage } from '@helpdesk/domain/fixtures';
import { type EventWorld, openEventWorld } from '../testing/event.test-world.js';
import { threadProjection } from '../thread/index.js';
import { ticketListProjection } from '../ticket-list/index.js';
import { ProjectionRunner } from './projection-runner.js';
import { formatSeconds, readProjectionStatuses } from './projection-status.js';
import { readStoresUnderTest } from './read-stores-under-test.js';

const connectedAt = '2025-03-03T08:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(connectedAt) + ms).toISOString();

describe.each(readStoresUnderTest())('stored projection status on $name', (readStoreUnderTest) => {
  let world: EventWorld;
  let readStore: ReadStore;
  let dispose: () => Promise<void>;

  beforeEach(async () => {
    world = await openEventWorld({ connectedAt });
    ({ readStore, dispose } = await readStoreUnderTest.open());
  });

  afterEach(async () => {
    await dispose();
    await world.close();
  });

  async function allEvents(): Promise<number> {
    let count = 0;
    for await (const _ of world.store.readAll()) count++;
    return count;
  }

  it('says a projection that never ran has no checkpoint, no tables and all of $all as lag', async () => {
    const [status] = await readProjectionStatuses(world.store, readStore.db, [ticketListProjection]);
    expect(status).toMatchObject({
      name: 'ticket_list',
      version: ticketListProjection.version,
      position: null,
      eventsHandled: 0,
      lagEvents: await allEvents(),
      lagCapped: false,
      lastError: null,
      rows: { tickets: null, conversations: null },
    });
  });

  it('counts rows and the lag after the checkpoint, capped', async () => {
    world.clock.set(at(HOUR));
    await world.receive(inboundMessage('wamid.1', at(HOUR)));
    const runner = new ProjectionRunner(world.store, readStore.db, ticketListProjection);
    await runner.start();
    await runner.whenCaughtUp();
    await runner.stop();
    const before = await allEvents();
    await world.receive(inboundMessage('wamid.2', at(HOUR), '+33699999999'));
    const behind = (await allEvents()) - before;

    const [ticketList, thread] = await readProjectionStatuses(world.store, readStore.db, [
      ticketListProjection,
      threadProjection,
    ]);
    expect(ticketList).toMatchObject({ lagEvents: behind, lagCapped: false, rows: { tickets: 1, conversations: 1 } });
    expect(ticketList.eventsHandled).toBeGreaterThan(0);
    expect(ticketList.lagSeconds).toBeGreaterThanOrEqual(0);
    expect(thread).toMatchObject({ position: null, lagEvents: await allEvents() });

    const [capped] = await readProjectionStatuses(world.store, readStore.db, [ticketListProjection], 2);
    expect(capped).toMatchObject({ lagEvents: 2, lagCapped: true });
  });
});

describe('formatSeconds', () => {
  it('reads like a duration', () => {
    expect([0, 12.34, 200, 7_500, 97_200].map(formatSeconds)).toEqual(['0s', '12.3s', '3m 20s', '2h 5m', '1d 3h']);
  });
});
