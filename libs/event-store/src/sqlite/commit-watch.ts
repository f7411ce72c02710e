import { type FSWatcher, watch } from 'node:fs';

/**
 * How long after a reported write to look again when the first look found nothing new. inotify
 * reports the write of the WAL frames, which comes before the commit can be seen: the writer
 * still fsyncs, then publishes the commit in the `-shm` wal-index, which it writes through mmap
 * and so reports nothing. A look that comes too soon would otherwise wait for the next commit
 * (none, at the end of a burst) or the safety poll. 255 ms in all; the safety poll is beyond it.
 */
const LOOK_AGAIN_AFTER_MS = [1, 2, 4, 8, 16, 32, 64, 128] as const;

export interface CommitWatchOptions {
  /** The database's directory. */
  readonly dir: string;
  /** Only writes to this file count (the database's `-wal`); the directory may hold other stores. */
  readonly walFile: string;
  /** Reads whether another process committed since the last look: true once something new was found. */
  readonly look: () => boolean | Promise<boolean>;
}

/**
 * Tells of commits to a SQLite database (WAL mode) by other processes, without polling: the
 * directory is watched (inotify) and a write to the WAL file calls `look`, coalesced to one look
 * per turn of the event loop. A look that finds nothing new is repeated shortly after (see
 * `LOOK_AGAIN_AFTER_MS`), since the write is reported before the commit is visible.
 */
export class CommitWatch {
  private watcher: FSWatcher | undefined;
  private failed = false;
  private closed = false;
  private queued = false;
  private looking = false;
  private noticedWhileLooking = false;
  private lookAgain: NodeJS.Timeout | undefined;
  private attempt = 0;

  constructor(private readonly options: CommitWatchOptions) {}

  /** Starts watching if it has not; false where the directory cannot be watched (then poll). */
  start(): boolean {
    if (this.watcher) return true;
    if (this.failed || this.closed) return false;
    try {
      this.watcher = watch(this.options.dir, { persistent: false }, (_event, name) => {
        if (name === null || name === this.options.walFile) this.noticed();
      });
      this.watcher.on('error', () => {
        this.stop();
        this.failed = true;
      });
      return true;
    } catch {
      // No inotify here (or its limit reached).
      this.failed = true;
      return false;
    }
  }

  get watching(): boolean {
    return this.watcher !== undefined;
  }

  /** A commit may have happened (reported, or suspected by the owner): look now, and again shortly if need be. */
  noticed(): void {
    if (this.closed) return;
    this.attempt = 0;
    clearTimeout(this.lookAgain);
    this.lookAgain = undefined;
    if (this.looking) {
      this.noticedWhileLooking = true;
      return;
    }
    if (this.queued) return;
    this.queued = true;
    setImmediate(() => {
      this.queued = false;
      void this.lookNow();
    });
  }

  /** Stops watching; `start` may watch again. Looks already due are dropped. */
  stop(): void {
    this.watcher?.close();
    this.watcher = undefined;
    clearTimeout(this.lookAgain);
    this.lookAgain = undefined;
    this.attempt = LOOK_AGAIN_AFTER_MS.length;
    this.noticedWhileLooking = false;
  }

  close(): void {
    this.closed = true;
    this.stop();
  }

  private async lookNow(): Promise<void> {
    if (this.closed) return;
    this.looking = true;
    this.noticedWhileLooking = false;
    let found = false;
    try {
      found = await this.options.look();
    } catch {
      // The owner's safety poll reports lasting failures; a look is only a hint.
    } finally {
      this.looking = false;
    }
    if (this.closed) return;
    if (this.noticedWhileLooking) return this.noticed();
    if (found || this.attempt >= LOOK_AGAIN_AFTER_MS.length) return;
    const delay = LOOK_AGAIN_AFTER_MS[this.attempt++];
    this.lookAgain = setTimeout(() => {
      this.lookAgain = undefined;
      void this.lookNow();
    }, delay);
    this.lookAgain.unref();
  }
}
