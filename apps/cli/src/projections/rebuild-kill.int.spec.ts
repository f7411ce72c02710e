/**
 * A rebuild SIGKILLed half way resumes from its own checkpoint and ends exactly where an
 * uninterrupted rebuild of the same history ends.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { openSqliteEventStore } from '@helpdesk/event-store';
import { ReadStore } from '@helpdesk/read-store';
import {
  HOUR,
  type World,
  inboundMessage,
  openWorld,
} from '@helpdesk/commands/conversation/conversation.test-world.js';
import { rebuildProjection, stagingCheckpoint } from '@helpdesk/projections/core/blue-green-rebuild.js';
import { readCheckpoint } from '@helpdesk/projections/core/checkpoints.js';
import { type ReadModelSnapshot, snapshotReadModel } from '@helpdesk/projections/core/drift-check.js';
import type { RebuildProgress } from '@helpdesk/projections/core/rebuild-progress.js';
import { listRebuilds } from '@helpdesk/projections/core/rebuild-registry.js';
import { ticketListProjection } from '@helpdesk/projections/ticket-list/index.js';
import { runHelpdesk } from '../cli.test-world.js';

const CHILD = fileURLToPath(new URL('rebuild-worker.child.cjs', import.meta.url));
const connectedAt = '2025-03-03T08:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(connectedAt) + ms).toISOString();

/** Runs the rebuild in a child process and SIGKILLs it once it reports `killAt` of the log done. */
function rebuildAndKill(
  dataDir: string,
  killAt: number,
): Promise<{ signal: NodeJS.Signals | null; lastReported: RebuildProgress | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dataDir, '5'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let lastReported: RebuildProgress | null = null;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    createInterface({ input: child.stdout }).on('line', (line) => {
      lastReported = JSON.parse(line) as RebuildProgress;
      if (lastReported.fraction >= killAt) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => resolve({ signal, lastReported, stderr }));
  });
}

const sorted = (snapshot: ReadModelSnapshot) =>
  Object.fromEntries(
    Object.entries(snapshot).map(([table, rows]) => [table, [...rows].sort((a, b) => a.id.localeCompare(b.id))]),
  );

describe('a rebuild killed half way', () => {
  let world: World;

  beforeAll(async () => {
    world = await openWorld({ connectedAt });
    for (let index = 0; index < 150; index++) {
      world.clock.set(at(HOUR + index * 1000));
      await world.receive(
        inboundMessage(`wamid.${index}`, at(HOUR + index * 1000), `+336123${String(index).padStart(5, '0')}`),
      );
    }
    await world.store.close();
  }, 60_000);

  afterAll(async () => {
    await world.close();
  });

  it('resumes where it was killed and gives what an uninterrupted rebuild gives', async () => {
    const killed = await rebuildAndKill(world.dataDir, 0.4);
    expect(killed.stderr).toBe('');
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.lastReported!.fraction).toBeLessThan(1);

    const readStore = ReadStore.open({ dialect: 'sqlite', file: join(world.dataDir, 'read-models.sqlite') });
    try {
      const [, inProgress] = await listRebuilds(readStore.db, ticketListProjection);
      expect(inProgress).toMatchObject({ build: 1, state: 'building' });
      const staged = await readCheckpoint(
        readStore.db,
        stagingCheckpoint(ticketListProjection, 1),
        ticketListProjection.version,
      );
      // Every batch the child reported is on disk; one more may have committed before the kill landed.
      expect(staged!.eventsHandled).toBeGreaterThanOrEqual(killed.lastReported!.eventsHandled);
      const status = await runHelpdesk(world.dataDir, 'projections', 'status');
      expect(status.stdout).toMatch(/^ticket_list .*build 1 building/m);
    } finally {
      await readStore.close();
    }

    const resumed = await runHelpdesk(world.dataDir, 'projections', 'rebuild', 'ticket_list');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/^ticket_list v\d+: build 1 \(resumed\) switched in, \d+ events handled$/m);

    const mine = ReadStore.open({ dialect: 'sqlite', file: join(world.dataDir, 'read-models.sqlite') });
    const other = ReadStore.open({ dialect: 'sqlite', file: ':memory:' });
    const store = openSqliteEventStore({ dataDir: world.dataDir });
    try {
      const uninterrupted = await rebuildProjection(store, other.db, ticketListProjection);
      const live = await readCheckpoint(mine.db, 'ticket_list', ticketListProjection.version);
      expect(live).toMatchObject({ position: uninterrupted.position, eventsHandled: uninterrupted.eventsHandled });
      const rebuilt = sorted(await snapshotReadModel(mine.db, ticketListProjection));
      expect(rebuilt.tickets).toHaveLength(150);
      expect(rebuilt).toEqual(sorted(await snapshotReadModel(other.db, ticketListProjection)));
    } finally {
      await store.close();
      await other.close();
      await mine.close();
    }
  }, 60_000);
});
