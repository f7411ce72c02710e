import type { ReadStore } from '@helpdesk/read-store';
import { HOUR, inboundMessage } from '@helpdesk/domain/fixtures';
import { type EventWorld, openEventWorld } from '../testing/event.test-world.js';
import { searchProjection } from '../search/index.js';
import { threadProjection } from '../thread/index.js';
import { ticketListProjection } from '../ticket-list/index.js';
import { RebuildFailedError, type RebuildResult, rebuildProjection, rebuildProjections } from './blue-green-rebuild.js';
import { type ReadModelSnapshot, snapshotReadModel } from './drift-check.js';
import { type Projection, stagingTableNames } from './projection.js';
import { tableExists } from './read-model-schema.js';
import { listRebuilds } from './rebuild-registry.js';
import { snapshotTextIndexes } from './text-index.js';
import { readStoresUnderTest } from './read-stores-under-test.js';

const connectedAt = '2025-03-03T08:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(connectedAt) + ms).toISOString();
const projections = [ticketListProjection, threadProjection, searchProjection];

const sortedRows = (snapshot: ReadModelSnapshot) =>
  Object.fromEntries(
    Object.entries(snapshot).map(([table, rows]) => [table, [...rows].sort((a, b) => a.id.localeCompare(b.id))]),
  );

const outcomeOf = (result: RebuildResult) => {
  if ('error' in result) throw result.error;
  return result.outcome;
};

describe.each(readStoresUnderTest())(
  'rebuilding several projections with one read of $all on $name',
  (readStoreUnderTest) => {
    let world: EventWorld;
    let readStore: ReadStore;
    let dispose: () => Promise<void>;
    let events: number;

    beforeEach(async () => {
      world = await openEventWorld({ connectedAt });
      ({ readStore, dispose } = await readStoreUnderTest.open());
      world.clock.set(at(HOUR));
      for (let index = 0; index < 10; index++) {
        // Two conversations, so documents are read back by later events and batches.
        await world.receive(
          inboundMessage(`wamid.${index}`, at(HOUR + index * 1000), index % 2 ? '+33612340001' : '+33612340002'),
        );
      }
      events = 0;
      for await (const _event of world.store.readAll()) events++;
    });

    afterEach(async () => {
      await dispose();
      await world.close();
    });

    /** Each projection rebuilt on its own into a store of its own: what the shared read must equal. */
    async function rebuiltAlone(projection: Projection): Promise<Record<string, unknown>> {
      const alone = await readStoreUnderTest.open();
      try {
        await rebuildProjection(world.store, alone.readStore.db, projection, { batchSize: 1_000 });
        return {
          ...sortedRows(await snapshotReadModel(alone.readStore.db, projection)),
          ...(await snapshotTextIndexes(alone.readStore.db, projection)),
        };
      } finally {
        await alone.dispose();
      }
    }

    it('switches every build in, each equal to its projection rebuilt alone', async () => {
      const results = await rebuildProjections(world.store, readStore.db, projections, { batchSize: 3 });

      expect(
        results.map((result) => [result.projection.name, outcomeOf(result).state, outcomeOf(result).eventsRead]),
      ).toEqual(projections.map((projection) => [projection.name, 'switched', events]));
      for (const projection of projections) {
        // Text indexes (the search's trigram tables) included: they are built before the switch, not row by row.
        expect({
          ...sortedRows(await snapshotReadModel(readStore.db, projection)),
          ...(await snapshotTextIndexes(readStore.db, projection)),
        }).toEqual(await rebuiltAlone(projection));
      }
    });

    it('shares one read between a resumed build and fresh ones, each applying only what it lacks', async () => {
      const stop = new AbortController();
      const first = await rebuildProjection(world.store, readStore.db, ticketListProjection, {
        batchSize: 4,
        signal: stop.signal,
        onProgress: (progress) => progress.eventsRead >= 8 && stop.abort(),
      });
      expect(first.state).toBe('interrupted');

      const [ticketList, thread] = (
        await rebuildProjections(world.store, readStore.db, [ticketListProjection, threadProjection], { batchSize: 4 })
      ).map(outcomeOf);

      expect(ticketList).toMatchObject({
        build: first.build,
        state: 'switched',
        resumed: true,
        eventsRead: events - first.eventsRead,
      });
      expect(thread).toMatchObject({ state: 'switched', resumed: false, eventsRead: events });
      expect(sortedRows(await snapshotReadModel(readStore.db, ticketListProjection))).toEqual(
        await rebuiltAlone(ticketListProjection),
      );
      expect(sortedRows(await snapshotReadModel(readStore.db, threadProjection))).toEqual(
        await rebuiltAlone(threadProjection),
      );
    });

    it('fails only the build whose projection throws: it is discarded, the others switch in', async () => {
      const broken: typeof threadProjection = {
        ...threadProjection,
        async project(event, access) {
          if ((event.data as { wamid?: string }).wamid === 'wamid.5') throw new Error('thread code is broken');
          await threadProjection.project(event, access);
        },
      };

      const [ticketList, thread] = await rebuildProjections(world.store, readStore.db, [ticketListProjection, broken], {
        batchSize: 4,
      });

      expect(outcomeOf(ticketList).state).toBe('switched');
      expect('error' in thread && thread.error).toBeInstanceOf(RebuildFailedError);
      expect(await tableExists(readStore.db, stagingTableNames(threadProjection, 1)('messages'))).toBe(false);
      expect((await listRebuilds(readStore.db, threadProjection)).at(-1)).toMatchObject({
        build: 1,
        state: 'failed',
        error: expect.stringMatching(/broken/),
      });
      expect(sortedRows(await snapshotReadModel(readStore.db, ticketListProjection))).toEqual(
        await rebuiltAlone(ticketListProjection),
      );
    });
  },
);
