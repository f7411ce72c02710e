/**
 * With PROJECTIONS=off the API learns of the projector's progress from the checkpoints it commits.
 * On SQLite a commit by another connection (another process in production) is noticed through a
 * watch of the read store's directory: with an hour-long poll, only the watch can wake a waiter.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReadStore } from '@helpdesk/read-store';
import { recordFailure, writeCheckpoint } from '@helpdesk/projections/core/checkpoints.js';
import type { Projection } from '@helpdesk/projections/core/projection.js';
import { ensureCheckpointsTable } from '@helpdesk/projections/core/read-model-schema.js';
import { StoredCheckpoints } from './stored-checkpoints.js';

const HOUR = 3_600_000;
const at = (n: number) => ({ commit: BigInt(n), prepare: BigInt(n) });
// Only names and versions are read from the projections here.
const projections = [
  { name: 'first', version: 1 },
  { name: 'second', version: 2 },
] as unknown as Projection[];

let dir: string;
let api: ReadStore;
let projector: ReadStore;
let checkpoints: StoredCheckpoints;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stored-checkpoints-'));
  const file = join(dir, 'read.sqlite');
  projector = ReadStore.open({ dialect: 'sqlite', file });
  api = ReadStore.open({ dialect: 'sqlite', file });
  await ensureCheckpointsTable(projector.db);
  checkpoints = new StoredCheckpoints(api.db, projections, {
    sqliteFile: api.file,
    pollMs: HOUR,
    pollUnderWatchMs: HOUR,
  });
});
afterEach(async () => {
  checkpoints.close();
  await Promise.all([api.close(), projector.close()]);
  rmSync(dir, { recursive: true, force: true });
});

/** Settles once the first read of the checkpoints is over (it found nothing to resolve). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

it("a waiter is woken by another connection's commit, not by the poll", async () => {
  let resolved = false;
  const waiting = checkpoints.whenCaughtUp(at(10)).then(() => (resolved = true));
  await settle();
  await writeCheckpoint(projector.db, 'first', 1, at(10), 10, new Date());
  await settle();
  // One read model at 10 is not enough: every one must be.
  expect(resolved).toBe(false);
  await writeCheckpoint(projector.db, 'second', 2, at(12), 12, new Date());
  await waiting;
  expect(checkpoints.statuses().map((status) => status.position)).toEqual([at(10), at(12)]);
});

it('close rejects the waiters', async () => {
  const waiting = checkpoints.whenCaughtUp(at(99));
  await settle();
  checkpoints.close();
  await expect(waiting).rejects.toThrow('The service is shutting down');
});

it('a commit readable only after its write was reported still wakes the waiter (no later write, no poll)', async () => {
  // The watch follows a file whose WAL this test writes by hand, so the report comes first and the
  // checkpoints' commit (to another file, not watched) later, as when the writer is still syncing.
  const reported = new StoredCheckpoints(api.db, projections, {
    sqliteFile: join(dir, 'reported.sqlite'),
    pollMs: HOUR,
    pollUnderWatchMs: HOUR,
  });
  try {
    const waiting = reported.whenCaughtUp(at(10));
    await settle();
    await projector.db.transaction().execute(async (trx) => {
      await writeCheckpoint(trx, 'first', 1, at(10), 10, new Date());
      await writeCheckpoint(trx, 'second', 2, at(10), 10, new Date());
      writeFileSync(join(dir, 'reported.sqlite-wal'), 'frames');
      // The first look comes while the transaction is still open; the commit follows.
      await new Promise((resolve) => setTimeout(resolve, 10));
    });
    await waiting;
    expect(reported.statuses().map((status) => status.position)).toEqual([at(10), at(10)]);
  } finally {
    reported.close();
  }
});

it('answers a position the last read already showed applied, without reading again', async () => {
  expect(checkpoints.hasApplied(at(10))).toBe(false);
  const waiting = checkpoints.whenCaughtUp(at(10));
  await settle();
  await writeCheckpoint(projector.db, 'first', 1, at(10), 10, new Date());
  await writeCheckpoint(projector.db, 'second', 2, at(12), 12, new Date());
  await waiting;
  expect(checkpoints.hasApplied(at(10))).toBe(true);
  expect(checkpoints.hasApplied(at(11))).toBe(false);
  // With the read store closed, a read finds nothing and the hour-long poll never comes: only
  // the checkpoints already read can answer.
  await api.close();
  await checkpoints.whenCaughtUp(at(9));
  await checkpoints.whenCaughtUp(at(10));
});

it('does not answer from the last read once a read model failed: the wait reports the failure', async () => {
  await writeCheckpoint(projector.db, 'first', 1, at(10), 10, new Date());
  await writeCheckpoint(projector.db, 'second', 2, at(12), 12, new Date());
  await checkpoints.whenCaughtUp(at(10));
  expect(checkpoints.hasApplied(at(10))).toBe(true);
  await recordFailure(projector.db, 'second', 2, 'constraint failed', new Date());
  // Woken by the failure's commit: rejected, as the API's own projection group rejects.
  await expect(checkpoints.whenCaughtUp(at(11))).rejects.toThrow('Projection second failed: constraint failed');
  expect(checkpoints.hasApplied(at(10))).toBe(false);
  await expect(checkpoints.whenCaughtUp(at(10))).rejects.toThrow('Projection second failed');
});
