import { sql } from 'kysely';
import { ProjectionRunner } from '@helpdesk/projections/core/projection-runner.js';
import { readCheckpoint } from '@helpdesk/projections/core/checkpoints.js';
import { ProjectorLease } from '@helpdesk/projections/core/projector-lease.js';
import { ticketListProjection } from '@helpdesk/projections/ticket-list/index.js';
import { CapturedLog, type ProjectorWorld, openProjectorWorld, postgresUrl } from './projector.test-world.js';

if (!postgresUrl) console.warn('READ_STORE_TEST_URL is not set: the projector lease tests (PostgreSQL) are skipped.');
const onPostgres = postgresUrl ? describe : describe.skip;

describe('projector worker on SQLite', () => {
  let world: ProjectorWorld;
  beforeEach(async () => (world = await openProjectorWorld('sqlite')));
  afterEach(() => world.close());

  it('runs every registered read model without the API, and says it must be the only one', async () => {
    const { projector, log } = world.projector('solo');
    projector.start();
    await projector.whenState('projecting');
    await projector.whenCaughtUp(await world.receive('wamid.1'));
    expect(await world.tickets()).toMatchObject([{ status: 'open', unreadCount: 1, preview: 'Hello (wamid.1)' }]);
    expect(projector.status().projections.every((status) => status.state === 'live')).toBe(true);
    expect(log.lines.some((line) => /Another projector/.test(line.message))).toBe(false);

    await projector.stop();
    expect(projector.status().state).toBe('stopped');
  });
});

onPostgres('projector lease on PostgreSQL', () => {
  let world: ProjectorWorld;
  beforeEach(async () => (world = await openProjectorWorld('postgres')));
  afterEach(() => world.close());

  it('lets one instance write; when its lock session dies, the standby takes over where it stopped', async () => {
    const first = world.projector('first');
    const second = world.projector('second');
    first.projector.start();
    await first.projector.whenState('projecting');
    second.projector.start();
    await second.log.when(/Another projector holds the lease/);
    await first.projector.whenCaughtUp(await world.receive('wamid.1'));
    expect(await world.tickets()).toMatchObject([{ unreadCount: 1 }]);

    expect(await world.killLeaseSession('first')).toBe(1);
    await second.projector.whenState('projecting');
    await first.log.when(/Projector lease lost/);
    expect(first.projector.status().state).toBe('waiting');
    await second.projector.whenCaughtUp(await world.receive('wamid.2'));

    // Each message counted once: the new holder resumed from the old one's checkpoints.
    expect(await world.tickets()).toMatchObject([{ unreadCount: 2, preview: 'Hello (wamid.2)' }]);
    const lease = await sql<{
      epoch: string;
      holder: string;
    }>`SELECT epoch::text AS epoch, holder FROM projector_lease`.execute(world.readStore.db);
    expect(lease.rows).toEqual([{ epoch: '2', holder: 'second' }]);
    // The first one is a standby now: it tries again and finds the lease taken.
    await first.log.when(/Another projector holds the lease/);
    expect(first.projector.status().state).toBe('waiting');
  });

  it('fences a holder that has not noticed it was replaced: its next batch writes nothing, and no error is recorded', async () => {
    const log = new CapturedLog();
    const held = await new ProjectorLease({ connectionString: world.url, holder: 'stale', retryMs: 50, log }).acquire(
      new AbortController().signal,
    );
    const runner = new ProjectionRunner(world.world.store, world.readStore.db, ticketListProjection, () => new Date(), {
      beforeWrite: (trx) => held!.fence(trx),
    });
    await runner.start();
    await runner.whenCaughtUp();
    const before = await readCheckpoint(world.readStore.db, ticketListProjection.name, ticketListProjection.version);

    // Another holder took over (its session bumped the epoch) while this one's session looked fine.
    await sql`UPDATE projector_lease SET epoch = epoch + 1, holder = 'other'`.execute(world.readStore.db);
    await world.receive('wamid.1');
    await expect(waitForFailure(runner)).resolves.toMatch(/another projector took over \(epoch 2, ours 1\)/);

    const after = await readCheckpoint(world.readStore.db, ticketListProjection.name, ticketListProjection.version);
    expect(after).toEqual(before);
    expect(await world.tickets()).toEqual([]);
    await runner.stop();
    await held!.release();
  });
});

async function waitForFailure(runner: ProjectionRunner): Promise<string> {
  return runner.whenCaughtUp({ commit: 2n ** 62n, prepare: 2n ** 62n }).then(
    () => 'caught up',
    (error: Error) => error.message,
  );
}
