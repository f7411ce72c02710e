import { createHash, randomBytes } from 'node:crypto';
import { linkSync, readFileSync, realpathSync, unlinkSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:net';
import { type HeldLease, type Lease, type LeaseLog, pause } from './projector-lease.js';

export interface LocalLeaseOptions {
  /** The SQLite read store's file: one projector per file. */
  readonly file: string;
  readonly holder: string;
  /** How often a waiting instance tries again. */
  readonly retryMs?: number;
  readonly log: LeaseLog;
}

/**
 * One projector per SQLite read store on this machine (the only place a SQLite file is shared): a
 * Unix socket in Linux's abstract namespace, named after the file, is listened on while projecting.
 * The kernel frees the name the moment its process ends, kill -9 included, so a crashed projector
 * never leaves a stale lock, and nothing is written to disk. A second projector (a restarted child
 * whose predecessor is still exiting, `npm run projector` by mistake) waits until the name is free.
 * No fence is needed: a process that lost the name has ended, and SQLite rolls its batch back.
 */
export class LocalProjectorLease implements Lease {
  private readonly name: string;

  constructor(private readonly options: LocalLeaseOptions) {
    this.name = localLeaseName(options.file);
  }

  /** Linux only (abstract sockets); elsewhere the caller runs without a lease, as before. */
  static supported(): boolean {
    return process.platform === 'linux';
  }

  async acquire(signal: AbortSignal): Promise<HeldLease | null> {
    const retryMs = this.options.retryMs ?? 500;
    let announced = false;
    while (!signal.aborted) {
      const server = await listen(this.name).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EADDRINUSE') throw error;
        return undefined;
      });
      if (server) return this.hold(server);
      if (!announced) {
        this.options.log.info({ retryMs }, 'Another projector runs on this read store: waiting to take over');
        announced = true;
      }
      await pause(retryMs, signal);
    }
    return null;
  }

  private hold(server: Server): HeldLease {
    // A connection to the name is only ever a probe; the name is the lock.
    server.on('connection', (socket) => socket.destroy());
    // The lock must not keep a process alive that has nothing else to do.
    server.unref();
    this.options.log.info(
      { holder: this.options.holder },
      'Projector lease taken: this process writes the read models',
    );
    return {
      epoch: String(process.pid),
      // Held until released or the process ends.
      lost: new Promise<Error>(() => undefined),
      async fence() {},
      release: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }
}

/**
 * The abstract socket's name: the file's real path (links and `..` name one lock) hashed with a
 * key kept beside the file, readable by its owner only. Abstract sockets have no permissions:
 * another local user could otherwise take a name computed from the path alone and keep every
 * projector of this store waiting.
 */
export function localLeaseName(file: string): string {
  let path = file;
  try {
    path = realpathSync(file);
  } catch {
    // Not created yet: the projector creates it, by this same path.
  }
  const key = leaseKey(`${path}.projector-lease-key`);
  return `\0helpdesk-projector-${createHash('sha256').update(key).update('\0').update(path).digest('hex').slice(0, 32)}`;
}

/** Created once (0600, linked into place whole, so a concurrent reader never sees half of it), then read. */
function leaseKey(keyFile: string): Buffer {
  try {
    return readFileSync(keyFile);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const partial = `${keyFile}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(partial, randomBytes(32), { mode: 0o600, flag: 'wx' });
  try {
    linkSync(partial, keyFile);
  } catch (error) {
    // Another process linked its key first: that one is the key.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(partial);
  }
  return readFileSync(keyFile);
}

function listen(name: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(name, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
