import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
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

/** The abstract socket's name: the file's real path hashed, so links and `..` name one lock. */
export function localLeaseName(file: string): string {
  let path = file;
  try {
    path = realpathSync(file);
  } catch {
    // Not created yet: the projector creates it, by this same path.
  }
  return `\0helpdesk-projector-${createHash('sha256').update(path).digest('hex').slice(0, 32)}`;
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
