import { sql } from 'kysely';
import type { ReadStore } from '@helpdesk/read-store';
import { HOUR, inboundMessage } from '@helpdesk/domain/fixtures';
import { type EventWorld, openEventWorld } from '../testing/event.test-world.js';
import { threadProjection } from '../thread/index.js';
import { ticketListProjection } from '../ticket-list/index.js';
import { readCheckpoint } from './checkpoints.js';
import { snapshotReadModel } from './drift-check.js';
import { physicalTableName } from './projection.js';
import { ProjectionRunner } from './projection-runner.js';
import { checkProjectionDrift, rebuildToPosition } from './rebuild-to-position.js';
import { readStoresUnderTest } from './read-stores-under-test.js';

const connectedAt = '2025-03-03T08:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(connectedAt) + ms).toISOString();

describe.each(readStoresUnderTest())('rebuild to a position and drift check on $name', (readStoreUnderTest) => {
  let world: EventWorld;
  let readStore: ReadStore;
  let dispose: () => Promise<void>;

  beforeEach(async () => {
    world = await openEventWorld({ connectedAt });
    ({ readStore, dispose } = await readStoreUnderTest.open());
    world.clock.set(at(HOUR));
    await world.receive(inboundMessage('wamid.1', at(HOUR)));
    await world.receive(inboundMessage('wamid.2', at(HOUR + 60_000), '+33699999999'));
    for (const projection of [ticketListProjection, threadProjection]) {
      const runner = new ProjectionRunner(world.store, readStore.db, projection);
      await runner.start();
      await runner.whenCaughtUp();
      await runner.stop();
    }
  });

  afterEach(async () => {
    await dispose();
    await world.close();
  });

  it('finds no drift after normal operation', async () => {
    for (const projection of [ticketListProjection, threadProjection]) {
      const result = await checkProjectionDrift(world.store, readStore.db, projection);
      expect(result.report.equal).toBe(true);
      expect(result.rebuilt.position).toEqual(result.checkpoint?.position);
      expect(result.rebuilt.eventsHandled).toBe(result.checkpoint?.eventsHandled);
      expect(result.report.tables.some((table) => table.actualRows > 0)).toBe(true);
    }
  });

  it('stops exactly at the stored checkpoint, not at the head', async () => {
    const before = await readCheckpoint(readStore.db, 'ticket_list', ticketListProjection.version);
    await world.receive(inboundMessage('wamid.3', at(2 * HOUR), '+33688888888'));

    const result = await checkProjectionDrift(world.store, readStore.db, ticketListProjection);

    expect(result.report.equal).toBe(true);
    expect(result.rebuilt.position).toEqual(before?.position);
    expect(result.report.tables.find((table) => table.table === 'tickets')).toMatchObject({
      expectedRows: 2,
      actualRows: 2,
    });
  });

  it('rebuilds nothing at no position, and everything up to a given position', async () => {
    const { readStore: other, dispose: disposeOther } = await readStoreUnderTest.open();
    try {
      await expect(rebuildToPosition(world.store, other.db, ticketListProjection, null)).resolves.toEqual({
        position: null,
        eventsHandled: 0,
      });
      const checkpoint = await readCheckpoint(readStore.db, 'ticket_list', ticketListProjection.version);
      const rebuilt = await rebuildToPosition(world.store, other.db, ticketListProjection, checkpoint!.position);
      expect(rebuilt).toEqual({ position: checkpoint!.position, eventsHandled: checkpoint!.eventsHandled });
      expect(await readCheckpoint(other.db, 'ticket_list', ticketListProjection.version)).toMatchObject({
        position: checkpoint!.position,
      });
      const sorted = (rows: { id: string }[]) => [...rows].sort((a, b) => a.id.localeCompare(b.id));
      const [mine, theirs] = [
        await snapshotReadModel(other.db, ticketListProjection),
        await snapshotReadModel(readStore.db, ticketListProjection),
      ];
      expect(sorted(mine.tickets)).toEqual(sorted(theirs.tickets));
    } finally {
      await disposeOther();
    }
  });

  it('reports a tampered, a deleted and an added row by id', async () => {
    const table = physicalTableName(ticketListProjection, 'tickets');
    const { rows } = await sql<{
      id: string;
      document: string;
    }>`SELECT id, document FROM ${sql.table(table)} ORDER BY id`.execute(readStore.db);
    const [tampered, deleted] = rows;
    const document = { ...(JSON.parse(tampered.document) as Record<string, unknown>), status: 'closed' };
    await sql`UPDATE ${sql.table(table)} SET document = ${JSON.stringify(document)} WHERE id = ${tampered.id}`.execute(
      readStore.db,
    );
    await sql`DELETE FROM ${sql.table(table)} WHERE id = ${deleted.id}`.execute(readStore.db);
    await sql`INSERT INTO ${sql.table(table)} (id, document) VALUES (${'ghost'}, ${'{}'})`.execute(readStore.db);

    const { report } = await checkProjectionDrift(world.store, readStore.db, ticketListProjection);

    expect(report.equal).toBe(false);
    expect(report.tables.find((entry) => entry.table === 'tickets')).toMatchObject({
      missing: [deleted.id],
      extra: ['ghost'],
      differing: [tampered.id],
      firstDifference: { id: tampered.id, differences: [{ path: '$.status', expected: '"open"', actual: '"closed"' }] },
    });
  });
});
