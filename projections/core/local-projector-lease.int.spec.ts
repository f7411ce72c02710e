/**
 * One projector per SQLite read store on a machine: the second waits, and a holder that dies
 * (kill -9 included) frees the lease at once, with nothing left behind to clean.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalProjectorLease, localLeaseName } from './local-projector-lease.js';

const quiet = { info: () => undefined, warn: () => undefined };
let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'local-lease-'));
  file = join(dir, 'read.sqlite');
  writeFileSync(file, '');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const lease = (path = file) => new LocalProjectorLease({ file: path, holder: 'test', retryMs: 20, log: quiet });

(LocalProjectorLease.supported() ? describe : describe.skip)('LocalProjectorLease', () => {
  it('a second projector on the same file waits until the first releases', async () => {
    const first = await lease().acquire(new AbortController().signal);
    expect(first).not.toBeNull();
    let secondHeld = false;
    const second = lease()
      .acquire(new AbortController().signal)
      .then((held) => {
        secondHeld = true;
        return held;
      });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(secondHeld).toBe(false);
    await first!.release();
    const held = await second;
    expect(held).not.toBeNull();
    await held!.release();
  });

  it('another file, or the same file by another path, is told apart correctly', async () => {
    const other = join(dir, 'other.sqlite');
    writeFileSync(other, '');
    expect(localLeaseName(other)).not.toBe(localLeaseName(file));
    expect(localLeaseName(join(dir, '.', 'read.sqlite'))).toBe(localLeaseName(file));
    const [a, b] = await Promise.all([
      lease().acquire(new AbortController().signal),
      lease(other).acquire(new AbortController().signal),
    ]);
    expect(a).not.toBeNull();
    expect(b).not.toBeNull();
    await Promise.all([a!.release(), b!.release()]);
  });

  it('a waiting projector that is told to stop gives up with null', async () => {
    const first = await lease().acquire(new AbortController().signal);
    const stop = new AbortController();
    const waiting = lease().acquire(stop.signal);
    stop.abort();
    await expect(waiting).resolves.toBeNull();
    await first!.release();
  });

  it('a name computed from the path alone (all another local user can compute) does not block the lease', async () => {
    const fromPathAlone = `\0helpdesk-projector-${createHash('sha256').update(realpathSync(file)).digest('hex').slice(0, 32)}`;
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(fromPathAlone, resolve));
    try {
      const held = await lease().acquire(AbortSignal.timeout(5_000));
      expect(held).not.toBeNull();
      await held!.release();
    } finally {
      squatter.close();
    }
    // The key the name is made with: the owner's only, and the same for every process on this file.
    expect(statSync(`${realpathSync(file)}.projector-lease-key`).mode & 0o777).toBe(0o600);
    expect(localLeaseName(file)).toBe(localLeaseName(file));
    expect(readdirSync(dir).sort()).toEqual(['read.sqlite', 'read.sqlite.projector-lease-key']);
  });

  it('a holder killed with SIGKILL frees the lease at once', async () => {
    // Another process holds the name, as a projector would, until it is killed.
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `require('node:net').createServer().listen('\\0' + process.argv[1], () => process.stdout.write('held'))`,
        localLeaseName(file).slice(1),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise((resolve) => holder.stdout!.once('data', resolve));
    let held = false;
    const waiting = lease()
      .acquire(new AbortController().signal)
      .then((lease) => {
        held = true;
        return lease;
      });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(held).toBe(false);
    holder.kill('SIGKILL');
    const taken = await waiting;
    expect(taken).not.toBeNull();
    await taken!.release();
  });
});
