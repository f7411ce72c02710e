import { randomUUID } from 'node:crypto';
import { type Position, headPosition } from '@helpdesk/event-store';
import type { ReadStore } from '@helpdesk/read-store';
import { HOUR, inboundMessage } from '@helpdesk/domain/fixtures';
import { type EventWorld, openEventWorld } from '../testing/event.test-world.js';
import { threadProjection } from '../thread/index.js';
import { ticketListProjection } from '../ticket-list/index.js';
import { rebuildProjection } from './blue-green-rebuild.js';
import { readCheckpoint } from './checkpoints.js';
import { snapshotReadModel } from './drift-check.js';
import type { Projection } from './projection.js';
import { ProjectionGroup } from './projection-group.js';
import { checkProjectionDrift } from './rebuild-to-position.js';
import { readStoresUnderTest } from './read-stores-under-test.js';

const connectedAt = '2025-03-03T08:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(connectedAt) + ms).toISOString();

/** The thread as a release with a bug shipped it: it cannot handle the third contact's message. */
const buggyThread: typeof threadProjection = {
  ...threadProjection,
  async project(event, access) {
    if ((event.data as { wamid?: string }).wamid === 'wamid.3') throw new Error('thread of wamid.3 is broken');
    await threadProjection.project(event, access);
  },
};

describe.each(readStoresUnderTest())('a projection group on $name', (readStoreUnderTest) => {
  let world: EventWorld;
  let readStore: ReadStore;
  let dispose: () => Promise<void>;
  let group: ProjectionGroup | undefined;

  async function receive(from: number, count: number): Promise<Position> {
    for (let index = from; index < from + count; index++) {
      world.clock.set(at(HOUR + index * 1000));
      await world.receive(
        inboundMessage(`wamid.${index}`, at(HOUR + index * 1000), `+3361234${String(index).padStart(4, '0')}`),
      );
    }
    return (await headPosition(world.store))!;
  }

  async function startGroup(projections: Projection[], options = {}): Promise<ProjectionGroup> {
    await group?.stop();
    group = new ProjectionGroup(world.store, readStore.db, projections, () => new Date(), {
      repairPollMs: 20,
      ...options,
    });
    await group.start();
    return group;
  }

  const equalsRebuild = async (projection: Projection) =>
    (await checkProjectionDrift(world.store, readStore.db, projection)).report.equal;

  beforeEach(async () => {
    world = await openEventWorld({ connectedAt });
    ({ readStore, dispose } = await readStoreUnderTest.open());
  });

  afterEach(async () => {
    await group?.stop();
    group = undefined;
    await dispose();
    await world.close();
  });

  it('applies one batch to every member, each with its own checkpoint', async () => {
    const head = await receive(1, 5);
    await startGroup([ticketListProjection, threadProjection]);
    await group!.whenCaughtUp(head);

    for (const projection of [ticketListProjection, threadProjection]) {
      expect((await readCheckpoint(readStore.db, projection.name, projection.version))?.position).toEqual(head);
      expect(await equalsRebuild(projection)).toBe(true);
    }
    expect(group!.statuses().map((status) => [status.name, status.state])).toEqual([
      [ticketListProjection.name, 'live'],
      [threadProjection.name, 'live'],
    ]);
  });

  /** An event no read model handles, as the inbox's raw webhook payloads are. */
  const appendUnhandled = async (): Promise<Position> =>
    (await world.store.append('test-unhandled', [{ id: randomUUID(), type: 'NoReadModelHandlesThis', data: {} }]))
      .position;

  it('commits a batch no member handles at once, then holds the next ones until one it handles comes', async () => {
    await receive(1, 2);
    let commits = 0;
    await startGroup([ticketListProjection, threadProjection], {
      unhandledHoldMs: 3_600_000,
      beforeWrite: async () => void (commits += 1),
    });
    await group!.whenCaughtUp();
    // After a quiet spell: at once (an hour's hold would time the test out).
    const start = await appendUnhandled();
    await group!.whenCaughtUp(start);
    const before = commits;
    for (let index = 0; index < 3; index++) await appendUnhandled();
    // Time for the group to see them (it would commit them at once without the hold).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(commits).toBe(before);
    expect((await readCheckpoint(readStore.db, threadProjection.name, threadProjection.version))?.position).toEqual(
      start,
    );

    const head = await receive(3, 1);
    await group!.whenCaughtUp(head);
    expect(commits).toBeGreaterThan(before);
    for (const projection of [ticketListProjection, threadProjection])
      expect((await readCheckpoint(readStore.db, projection.name, projection.version))?.position).toEqual(head);
  });

  it('commits held events no member handles by themselves once the hold is over', async () => {
    await startGroup([ticketListProjection], { unhandledHoldMs: 20 });
    await group!.whenCaughtUp();
    await appendUnhandled();
    const position = await appendUnhandled();
    await group!.whenCaughtUp(position);
    expect(
      (await readCheckpoint(readStore.db, ticketListProjection.name, ticketListProjection.version))?.position,
    ).toEqual(position);
  });

  it('stops a member that throws at that event while the others of the same batch go on', async () => {
    await receive(1, 5);
    await startGroup([ticketListProjection, buggyThread]);

    await expect(group!.whenCaughtUp()).rejects.toThrow(
      /cannot apply InboundMessageReceived at conversation-.*: thread of wamid\.3 is broken/,
    );
    const head = await receive(6, 2);
    await group!.whenProjectionCaughtUp(ticketListProjection.name, head);

    const [ticketList, thread] = group!.statuses();
    expect(ticketList).toMatchObject({ state: 'live', position: head, lastError: null });
    expect(thread).toMatchObject({ state: 'failed', lastError: expect.stringContaining('wamid.3') });
    expect((await snapshotReadModel(readStore.db, ticketListProjection)).tickets).toHaveLength(7);
    expect(await equalsRebuild(ticketListProjection)).toBe(true);
    // The thread committed the events before its failing one, its error in its checkpoint row.
    const stored = await readCheckpoint(readStore.db, threadProjection.name, threadProjection.version);
    expect(stored?.lastError).toMatch(/thread of wamid\.3 is broken/);
    expect(stored?.position).toEqual(thread.position);
    expect(stored?.position).not.toBeNull();

    // Fixed and restarted: the thread goes on from its event, the ticket list from where it is.
    await startGroup([ticketListProjection, threadProjection]);
    await group!.whenCaughtUp(head);
    expect(await equalsRebuild(threadProjection)).toBe(true);
    expect(await equalsRebuild(ticketListProjection)).toBe(true);
  });

  it('reloads a member whose checkpoint a rebuild moved, without disturbing the others', async () => {
    await receive(1, 6);
    await startGroup([ticketListProjection, threadProjection]);
    await group!.whenCaughtUp();
    const threadBefore = group!.statuses()[1].eventsHandled;

    const outcome = await rebuildProjection(world.store, readStore.db, ticketListProjection, { batchSize: 4 });
    expect(outcome).toMatchObject({ state: 'switched' });
    const head = await receive(7, 3);
    await group!.whenCaughtUp(head);

    const [ticketList, thread] = group!.statuses();
    expect(ticketList).toMatchObject({ state: 'live', position: head, lastError: null });
    expect(thread).toMatchObject({ state: 'live', position: head, lastError: null });
    expect(thread.eventsHandled).toBeGreaterThan(threadBefore);
    expect((await snapshotReadModel(readStore.db, ticketListProjection)).tickets).toHaveLength(9);
    expect(await equalsRebuild(ticketListProjection)).toBe(true);
    expect(await equalsRebuild(threadProjection)).toBe(true);
  });

  it('lets a new member catch up on its own reads while the others stay live', async () => {
    await receive(1, 20);
    await startGroup([ticketListProjection]);
    await group!.whenCaughtUp();
    await group!.stop();

    // The thread starts from scratch; a message arrives (appended) as it begins catching up.
    let arrived: Promise<Position> | undefined;
    const threadCatchingUp: typeof threadProjection = {
      ...threadProjection,
      async project(event, access) {
        if (!arrived) await (arrived = receive(21, 1));
        await threadProjection.project(event, access);
      },
    };
    await startGroup([ticketListProjection, threadCatchingUp], { memberCatchUpChunk: 1 });
    await new Promise<void>((resolve) => {
      const waitForArrival = () => (arrived ? resolve() : setImmediate(waitForArrival));
      waitForArrival();
    });
    const head = await arrived!;
    await group!.whenProjectionCaughtUp(ticketListProjection.name, head);

    // The ticket list applied the new message while the thread was still replaying the history.
    const [ticketList, thread] = group!.statuses();
    expect(ticketList).toMatchObject({ state: 'live', position: head });
    expect(thread.state).toBe('catching_up');

    await group!.whenCaughtUp(head);
    expect(group!.statuses()[1]).toMatchObject({ state: 'live', position: head });
    expect(await equalsRebuild(threadProjection)).toBe(true);
    expect(await equalsRebuild(ticketListProjection)).toBe(true);
  });
});
