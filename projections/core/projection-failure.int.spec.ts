import type { ReadStore } from '@helpdesk/read-store';
import { HOUR, inboundMessage } from '@helpdesk/domain/fixtures';
import { type EventWorld, openEventWorld } from '../testing/event.test-world.js';
import { ticketListProjection } from '../ticket-list/index.js';
import { snapshotReadModel } from './drift-check.js';
import { ProjectionRunner } from './projection-runner.js';
import { readProjectionStatuses } from './projection-status.js';
import { checkProjectionDrift } from './rebuild-to-position.js';
import { readStoresUnderTest } from './read-stores-under-test.js';

const connectedAt = '2025-03-03T08:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(connectedAt) + ms).toISOString();

/** The ticket list as a release with a bug shipped it: it cannot handle the third contact's message. */
const buggy: typeof ticketListProjection = {
  ...ticketListProjection,
  async project(event, access) {
    if ((event.data as { wamid?: string }).wamid === 'wamid.3') throw new Error('preview of wamid.3 is not a string');
    await ticketListProjection.project(event, access);
  },
};

describe.each(readStoresUnderTest())('a projection that throws, on $name', (readStoreUnderTest) => {
  let world: EventWorld;
  let readStore: ReadStore;
  let dispose: () => Promise<void>;

  beforeEach(async () => {
    world = await openEventWorld({ connectedAt });
    ({ readStore, dispose } = await readStoreUnderTest.open());
    for (let index = 1; index <= 5; index++) {
      world.clock.set(at(HOUR + index * 1000));
      await world.receive(inboundMessage(`wamid.${index}`, at(HOUR + index * 1000), `+3361234000${index}`));
    }
  });

  afterEach(async () => {
    await dispose();
    await world.close();
  });

  it('stops at that event with the error in its status, skips nothing, and goes on from there once fixed and restarted', async () => {
    const failing = new ProjectionRunner(world.store, readStore.db, buggy);
    await failing.start();
    await expect(failing.whenCaughtUp()).rejects.toThrow(
      /cannot apply InboundMessageReceived at conversation-.*: preview of wamid\.3 is not a string/,
    );
    expect(failing.status()).toMatchObject({ state: 'failed', lastError: expect.stringContaining('wamid.3') });
    await failing.stop();

    const [stored] = await readProjectionStatuses(world.store, readStore.db, [ticketListProjection]);
    expect(stored.lastError).toMatch(/preview of wamid\.3 is not a string/);
    expect(stored.lagEvents).toBeGreaterThan(0);
    // Everything before the failing event (the third ticket opened, its message not), nothing after it.
    const previews = (await snapshotReadModel(readStore.db, ticketListProjection)).tickets
      .map((row) => JSON.parse(row.document).preview)
      .sort();
    expect(previews).toEqual(['Hello (wamid.1)', 'Hello (wamid.2)', null].sort());

    const fixed = new ProjectionRunner(world.store, readStore.db, ticketListProjection);
    await fixed.start();
    await fixed.whenCaughtUp();
    await fixed.stop();

    const [after] = await readProjectionStatuses(world.store, readStore.db, [ticketListProjection]);
    expect(after).toMatchObject({ lastError: null, lagEvents: 0 });
    expect((await snapshotReadModel(readStore.db, ticketListProjection)).tickets).toHaveLength(5);
    expect((await checkProjectionDrift(world.store, readStore.db, ticketListProjection)).report.equal).toBe(true);
  });
});
