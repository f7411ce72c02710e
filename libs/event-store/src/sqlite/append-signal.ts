import { CommitWatch } from './commit-watch.js';

/** How often another process's commits are looked for when the directory cannot be watched. */
const POLL_WITHOUT_WATCH_MS = 200;
/** A safety net under the watch (a missed notification costs at most this). */
const POLL_UNDER_WATCH_MS = 2_000;

export interface AppendSignalOptions {
  /** The directory holding the database: commits by another process write its WAL file there. */
  readonly watchDir?: string;
  /** The database's WAL file's name in `watchDir`: writes to other files there do not count. */
  readonly walFile?: string;
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
  private readonly watch: CommitWatch | undefined;
  /** The directory reported a write while nobody waited: the next wait looks at the head first. */
  private writeSeenUnwatched = false;
  private stopped = false;

  constructor(
    private head: number,
    private readonly readExternalHead: () => number | undefined,
    private readonly options: AppendSignalOptions = {},
  ) {
    const { watchDir, walFile } = options;
    if (watchDir && walFile)
      this.watch = new CommitWatch({ dir: watchDir, walFile, look: () => this.lookForExternalCommit() });
  }

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
    while (!stop() && this.head <= position) {
      await new Promise<void>((resolve) => {
        this.waiters.add(resolve);
        this.watchExternalCommits();
        // A commit by another process while this process's reader was busy (not waiting) would
        // else wait for the next commit or the safety poll: seen at the end of bursts, 2 s late.
        if (this.writeSeenUnwatched) {
          this.writeSeenUnwatched = false;
          this.watch?.noticed();
        }
      });
    }
  }

  stop(): void {
    this.stopped = true;
    this.stopPolling();
    this.watch?.close();
  }

  private watchExternalCommits(): void {
    if (this.stopped) return;
    const watching = this.watch?.start() ?? false;
    if (this.poll) return;
    const every = this.options.pollMs ?? (watching ? POLL_UNDER_WATCH_MS : POLL_WITHOUT_WATCH_MS);
    this.poll = setInterval(() => this.checkExternalHead(), every);
    this.poll.unref();
  }

  /** The watch's look: with nobody waiting, only remembered (the next wait looks). */
  private lookForExternalCommit(): boolean {
    if (this.waiters.size === 0) {
      this.writeSeenUnwatched = true;
      return true;
    }
    return this.checkExternalHead();
  }

  private checkExternalHead(): boolean {
    const head = this.readExternalHead();
    if (head === undefined || head <= this.head) return false;
    this.committed(head);
    return true;
  }

  private stopPolling(): void {
    clearInterval(this.poll);
    this.poll = undefined;
  }
}
