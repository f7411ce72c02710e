/**
 * The watch reports another process's write of the WAL file, which comes before its commit can be
 * read (the writer fsyncs, then publishes the commit through shared memory, which inotify does not
 * report). A look that comes too soon must be repeated: nothing else would report that commit.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommitWatch } from './commit-watch.js';

let dir: string;
let watch: CommitWatch | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'commit-watch-'));
});
afterEach(() => {
  watch?.close();
  rmSync(dir, { recursive: true, force: true });
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('looks again when the reported write is not yet a visible commit, until it is', async () => {
  let visible = false;
  let looks = 0;
  let found: () => void = () => undefined;
  const foundIt = new Promise<void>((resolve) => (found = resolve));
  watch = new CommitWatch({
    dir,
    walFile: 'events.sqlite-wal',
    look: () => {
      looks += 1;
      if (visible) found();
      return visible;
    },
  });
  expect(watch.start()).toBe(true);
  writeFileSync(join(dir, 'events.sqlite-wal'), 'frames');
  // The commit becomes readable a little after its write was reported, and nothing is written again.
  await pause(40);
  visible = true;
  await foundIt;
  const looksWhenFound = looks;
  expect(looksWhenFound).toBeGreaterThan(1);
  // Once found, it stops looking.
  await pause(300);
  expect(looks).toBe(looksWhenFound);
});

it('counts only writes to its WAL file, and none once stopped', async () => {
  let looks = 0;
  watch = new CommitWatch({ dir, walFile: 'events.sqlite-wal', look: () => (looks += 1) > 0 });
  watch.start();
  writeFileSync(join(dir, 'read.sqlite-wal'), 'another store in the same directory');
  await pause(200);
  expect(looks).toBe(0);
  writeFileSync(join(dir, 'events.sqlite-wal'), 'frames');
  for (let waited = 0; looks === 0 && waited < 5_000; waited += 10) await pause(10);
  expect(looks).toBeGreaterThanOrEqual(1);
  watch.stop();
  expect(watch.watching).toBe(false);
  const looksWhenStopped = looks;
  writeFileSync(join(dir, 'events.sqlite-wal'), 'more frames');
  await pause(200);
  expect(looks).toBe(looksWhenStopped);
});

it('gives up looking again after a quarter of a second (the owner polls beyond that)', async () => {
  let looks = 0;
  watch = new CommitWatch({ dir, walFile: 'events.sqlite-wal', look: () => (looks += 1) < 0 });
  watch.start();
  writeFileSync(join(dir, 'events.sqlite-wal'), 'frames');
  // Until no look came for half a second (each look again comes at most 128 ms after the last).
  let settled = -1;
  for (let waited = 0; looks !== settled && waited < 20_000; waited += 500) {
    settled = looks;
    await pause(500);
  }
  expect(looks).toBe(settled);
  // The first look and eight more after each report of the write (one write: a report or two).
  expect(settled).toBeGreaterThanOrEqual(9);
  expect(settled).toBeLessThanOrEqual(3 * 9);
});
