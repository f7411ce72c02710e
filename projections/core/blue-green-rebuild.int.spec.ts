import { headPosition } from '@helpdesk/event-store';
import type { ReadStore } from '@helpdesk/read-store';
import { HOUR, inboundMessage } from '@helpdesk/domain/fixtures';
import { type EventWorld, openEventWorld } from '../testing/event.test-world.js';
import { ticketListProjection } from '../ticket-list/index.js';
import { RebuildFailedError, rebuildProjection, stagingCheckpoint } from './blue-green-rebuild.js';
import { readCheckpoint } from './checkpoints.js';
import { type ReadModelSnapshot, snapshotReadModel } from './drift-check.js';
import type { Projection } from './projection.js';
import { physicalTableName, stagingTableNames } from './projection.js';
import { ProjectionRunner } from './projection-runner.js';
import { tableExists } from './read-model-schema.js';
import type { RebuildProgress } from './rebuild-progress.js';
import { listRebuilds } from './rebuild-registry.js';
import { readStoresUnderTest } from './read-stores-under-test.js';

const connectedAt = '2025-03-03T08:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(connectedAt) + ms).toISOString();

/** Ticket documents with an extra field, as a new version of the code would write them. */
const relabelled = (label: string): typeof ticketListProjection => ({
  ...ticketListProjection,
  async project(event, access) {
    await ticketListProjection.project(event, {
      get: (table, id) => access.get(table, id),
      put: (table, id, document) => access.put(table, id, { ...document, label }),
      delete: (table, id) => access.delete(table, id),
    });
  },
});

const sortedRows = (snapshot: ReadModelSnapshot) =>
  Object.fromEntries(
    Object.entries(snapshot).map(([table, rows]) => [table, [...rows].sort((a, b) => a.id.localeCompare(b.id))]),
  );

describe.each(readStoresUnderTest())('blue/green rebuild on $name', (readStoreUnderTest) => {
  let world: EventWorld;
  let readStore: ReadStore;
  let dispose: () => Promise<void>;
  let runner: ProjectionRunner | undefined;

  async function receiveMany(count: number, from = 0): Promise<void> {
    for (let index = from; index < from + count; index++) {
      await world.receive(
        inboundMessage(`wamid.${index}`, at(HOUR + index * 1000), `+3361234${String(index).padStart(4, '0')}`),
      );
    }
  }

  async function liveRunner(projection: Projection): Promise<ProjectionRunner> {
    runner = new ProjectionRunner(world.store, readStore.db, projection, () => new Date(), { repairPollMs: 20 });
    await runner.start();
    await runner.whenCaughtUp();
    return runner;
  }

  beforeEach(async () => {
    world = await openEventWorld({ connectedAt });
    ({ readStore, dispose } = await readStoreUnderTest.open());
    world.clock.set(at(HOUR));
    await receiveMany(12);
  });

  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
    await dispose();
    await world.close();
  });

  it('switches rebuilt tables in while the live runner serves, and the runner goes on in the new tables', async () => {
    await liveRunner(ticketListProjection);
    const progress: RebuildProgress[] = [];

    const outcome = await rebuildProjection(world.store, readStore.db, relabelled('v2'), {
      batchSize: 5,
      onProgress: (p) => progress.push(p),
    });

    expect(outcome).toMatchObject({ build: 1, state: 'switched', resumed: false });
    const tickets = (await snapshotReadModel(readStore.db, ticketListProjection)).tickets;
    expect(tickets).toHaveLength(12);
    expect(tickets.every((row) => JSON.parse(row.document).label === 'v2')).toBe(true);
    expect(progress.map((p) => p.phase)).toEqual(expect.arrayContaining(['catching_up', 'switching', 'switched']));
    const fractions = progress.map((p) => p.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(progress.at(-1)).toMatchObject({ fraction: 1, eventsHandled: outcome.eventsHandled });
    expect(await tableExists(readStore.db, `${physicalTableName(ticketListProjection, 'tickets')}_old1`)).toBe(false);
    expect(await tableExists(readStore.db, stagingTableNames(ticketListProjection, 1)('tickets'))).toBe(false);

    // The live runner reloads from the moved checkpoint and keeps writing the switched-in tables.
    await world.receive(inboundMessage('wamid.after', at(2 * HOUR), '+33600000999'));
    await runner!.whenCaughtUp((await headPosition(world.store))!);
    const after = (await snapshotReadModel(readStore.db, ticketListProjection)).tickets;
    expect(after).toHaveLength(13);
    expect(after.filter((row) => JSON.parse(row.document).label === 'v2')).toHaveLength(12);
    expect((await listRebuilds(readStore.db, ticketListProjection)).map((r) => [r.build, r.state])).toEqual([
      [0, 'switched'],
      [1, 'switched'],
    ]);
  });

  it('resumes an interrupted build where it stopped and ends where an uninterrupted one does', async () => {
    const stop = new AbortController();
    const first = await rebuildProjection(world.store, readStore.db, ticketListProjection, {
      batchSize: 4,
      signal: stop.signal,
      onProgress: (p) => p.eventsRead >= 8 && stop.abort(),
    });
    expect(first.state).toBe('interrupted');
    const staged = await readCheckpoint(
      readStore.db,
      stagingCheckpoint(ticketListProjection, first.build),
      ticketListProjection.version,
    );
    expect(staged?.position).toEqual(first.position);
    expect(await tableExists(readStore.db, physicalTableName(ticketListProjection, 'tickets'))).toBe(true);

    const reads: number[] = [];
    const second = await rebuildProjection(world.store, readStore.db, ticketListProjection, {
      batchSize: 4,
      onProgress: (p) => reads.push(p.eventsRead),
    });
    expect(second).toMatchObject({ build: first.build, state: 'switched', resumed: true });

    const { readStore: other, dispose: disposeOther } = await readStoreUnderTest.open();
    try {
      let allReads = 0;
      const uninterrupted = await rebuildProjection(world.store, other.db, ticketListProjection, {
        onProgress: (p) => (allReads = p.eventsRead),
      });
      expect(uninterrupted.eventsHandled).toBe(second.eventsHandled);
      expect(sortedRows(await snapshotReadModel(readStore.db, ticketListProjection))).toEqual(
        sortedRows(await snapshotReadModel(other.db, ticketListProjection)),
      );
      // The resumed run read only what the first had not.
      expect(Math.max(...reads)).toBeLessThan(allReads);
      expect(Math.max(...reads) + first.eventsRead).toBe(allReads);
    } finally {
      await disposeOther();
    }
  });

  it('refuses to switch when the rebuilt projection throws, and the live tables keep serving', async () => {
    await liveRunner(ticketListProjection);
    const before = sortedRows(await snapshotReadModel(readStore.db, ticketListProjection));
    const broken: typeof ticketListProjection = {
      ...ticketListProjection,
      async project(event, access) {
        if (event.type === 'InboundMessageReceived' && (event.data as { wamid: string }).wamid === 'wamid.7')
          throw new Error('boom');
        await ticketListProjection.project(event, access);
      },
    };

    const failure = rebuildProjection(world.store, readStore.db, broken, { batchSize: 3 });

    await expect(failure).rejects.toThrow(RebuildFailedError);
    await expect(failure).rejects.toThrow(
      /rebuild 1 failed, the live tables were kept: cannot apply InboundMessageReceived .*: boom/,
    );
    expect(sortedRows(await snapshotReadModel(readStore.db, ticketListProjection))).toEqual(before);
    expect(await tableExists(readStore.db, stagingTableNames(ticketListProjection, 1)('tickets'))).toBe(false);
    expect((await listRebuilds(readStore.db, ticketListProjection)).at(-1)).toMatchObject({
      build: 1,
      state: 'failed',
      error: expect.stringMatching(/boom/),
    });
    expect(runner!.status().state).toBe('live');
  });

  it('repairs a live runner stopped by a failing event once a fixed projection is switched in', async () => {
    const broken: typeof ticketListProjection = {
      ...ticketListProjection,
      async project(event, access) {
        if ((event.data as { wamid?: string }).wamid === 'wamid.20') throw new Error('cannot handle wamid.20');
        await ticketListProjection.project(event, access);
      },
    };
    await liveRunner(broken);
    await receiveMany(1, 20);
    await expect(runner!.whenCaughtUp((await headPosition(world.store))!)).rejects.toThrow(/cannot handle wamid.20/);

    await rebuildProjection(world.store, readStore.db, ticketListProjection);
    await eventually(() => runner!.status().state !== 'failed');
    await runner!.whenCaughtUp((await headPosition(world.store))!);

    expect(runner!.status()).toMatchObject({ state: 'live', lastError: null });
    expect((await snapshotReadModel(readStore.db, ticketListProjection)).tickets).toHaveLength(13);
  });
});

/**
 * Waits for a condition the code under test reaches by itself (here: a poll of the checkpoint). The bound is only
 * there to fail with a clear message before jest's 30 s: a loaded machine may take seconds to get there.
 */
async function eventually(condition: () => boolean, timeoutMs = 25_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
