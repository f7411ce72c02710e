/**
 * A commit by another process reported while nobody waited (this process's reader busy with the
 * previous batch) must not be lost: the next wait looks at the head before sleeping. With an
 * hour-long poll, only that can end the wait in the test's time.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppendSignal } from './append-signal.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'append-signal-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Until the directory watch has had time to report the write (a real inotify event). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

it('a commit reported while nobody waited ends the next wait at once', async () => {
  let externalHead = 1;
  const signal = new AppendSignal(1, () => externalHead, {
    watchDir: dir,
    walFile: 'events.sqlite-wal',
    pollMs: 3_600_000,
  });
  try {
    // A first wait starts the watch; this process's own commit ends it.
    const first = signal.waitBeyond(1, () => false);
    signal.committed(2);
    await first;
    // Another process commits while nobody waits.
    externalHead = 5;
    writeFileSync(join(dir, 'events.sqlite-wal'), 'x');
    await settle();
    await signal.waitBeyond(2, () => false);
    expect(signal.knownHead).toBe(5);
  } finally {
    signal.stop();
  }
});

it('a commit readable only after its write was reported still ends the wait (no later write, no poll)', async () => {
  let externalHead = 1;
  const signal = new AppendSignal(1, () => externalHead, {
    watchDir: dir,
    walFile: 'events.sqlite-wal',
    pollMs: 3_600_000,
  });
  try {
    const waiting = signal.waitBeyond(1, () => false);
    writeFileSync(join(dir, 'events.sqlite-wal'), 'frames');
    // The writer is still syncing when the write is reported: the head moves a little later.
    setTimeout(() => (externalHead = 3), 40);
    await waiting;
    expect(signal.knownHead).toBe(3);
  } finally {
    signal.stop();
  }
});
