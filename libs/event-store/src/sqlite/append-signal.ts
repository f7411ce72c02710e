import { type FSWatcher, watch } from 'node:fs';

/** How often another process's commits are looked for when the directory cannot be watched. */
const POLL_WITHOUT_WATCH_MS = 200;
/** A safety net under the watch (a missed notification costs at most this). */
const POLL_UNDER_WATCH_MS = 2_000;

export interface AppendSignalOptions {
  /** The directory holding the database: commits by another process write its WAL file there. */
  readonly watchDir?: string;
  /** Overrides the polling interval (tests use a long one to prove that the watch alone wakes). */
  readonly pollMs?: number;
}

/**
 * Wakes live subscriptions when a commit moves the head of the log: at once for this process's
 * commits, and for commits by another process on the same file (the `helpdesk` CLI, the
 * projector) when the database's directory reports a write (inotify: SQLite appends every commit
 * to the `-wal` file), then confirmed through `data_version`. Polling remains, slow, as a safety
 * net; where the directory cannot be watched it is the only way, every 200 ms.
 */
export class AppendSignal {
  private waiters = new Set<() => void>();
  private poll: NodeJS.Timeout | undefined;
  private watcher: FSWatcher | undefined;
  private watchFailed = false;
  private checkQueued = false;
  /** The directory reported a write while nobody waited: the next wait looks at the head first. */
  private writeSeenUnwatched = false;
  private stopped = false;

  constructor(
    private head: number,
    private readonly readExternalHead: () => number | undefined,
    private readonly options: AppendSignalOptions = {},
  ) {}

  /** The newest position this signal was told of. */
  get knownHead(): number {
    return this.head;
  }

  committed(head: number): void {
    this.head = head;
    this.wakeAll();
  }

  wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    waiters.forEach((wake) => wake());
    if (this.waiters.size === 0) this.stopPolling();
  }

  /** Resolves once the log holds something after `position`, or the waiter no longer cares. */
  async waitBeyond(position: number, stop: () => boolean): Promise<void> {
    // A commit by another process while this process's reader was busy (not waiting) would else
    // wait for the next commit or the safety poll: seen at the end of bursts, up to 2 s late.
    if (this.writeSeenUnwatched && this.head <= position) {
      this.writeSeenUnwatched = false;
      this.checkExternalHead();
    }
    while (!stop() && this.head <= position) {
      await new Promise<void>((resolve) => {
        this.waiters.add(resolve);
        this.watchExternalCommits();
      });
    }
  }

  stop(): void {
    this.stopped = true;
    this.stopPolling();
    this.watcher?.close();
    this.watcher = undefined;
  }

  private watchExternalCommits(): void {
    if (this.stopped) return;
    this.startWatching();
    if (this.poll) return;
    const watching = this.watcher !== undefined;
    const every = this.options.pollMs ?? (watching ? POLL_UNDER_WATCH_MS : POLL_WITHOUT_WATCH_MS);
    this.poll = setInterval(() => this.checkExternalHead(), every);
    this.poll.unref();
  }

  /** Once, kept until the store closes: a watch per wait would cost two syscalls per commit. */
  private startWatching(): void {
    if (this.watcher || this.watchFailed || !this.options.watchDir) return;
    try {
      this.watcher = watch(this.options.watchDir, { persistent: false }, () => this.queueCheck());
      this.watcher.on('error', () => {
        this.watcher?.close();
        this.watcher = undefined;
        this.watchFailed = true;
      });
    } catch {
      // No inotify here (or its limit reached): polling alone.
      this.watchFailed = true;
    }
  }

  /** Many writes in one turn of the event loop (ours included) cost one look at `data_version`. */
  private queueCheck(): void {
    if (this.waiters.size === 0) {
      this.writeSeenUnwatched = true;
      return;
    }
    if (this.checkQueued) return;
    this.checkQueued = true;
    setImmediate(() => {
      this.checkQueued = false;
      this.checkExternalHead();
    });
  }

  private checkExternalHead(): void {
    const head = this.readExternalHead();
    if (head !== undefined && head > this.head) this.committed(head);
  }

  private stopPolling(): void {
    clearInterval(this.poll);
    this.poll = undefined;
  }
}
