import { basename, dirname } from 'node:path';
import { CommitWatch, type Position, comparePositions } from '@helpdesk/event-store';
import { type StoredCheckpoint, readCheckpoints } from '@helpdesk/projections/core/checkpoints.js';
import type { Projection } from '@helpdesk/projections/core/projection.js';
import type { ProjectionStatus } from '@helpdesk/projections/core/projection-group.js';
import type { ReadDatabase } from '@helpdesk/projections/core/read-model-schema.js';

interface Waiter {
  readonly position: Position;
  readonly since: number;
  resolve(): void;
  reject(error: Error): void;
}

export interface StoredCheckpointsOptions {
  /**
   * SQLite: the read store's file. Its directory is watched while someone waits, and a write to
   * the file's WAL (the projector committing a batch) reads the checkpoints at once; the poll then
   * only backs the watch up. PostgreSQL: none, polling alone.
   */
  readonly sqliteFile?: string;
  /** How often the checkpoints are read while someone waits and no watch tells of commits. */
  readonly pollMs?: number;
  /** The same under a working watch: a safety net for a missed notification. */
  readonly pollUnderWatchMs?: number;
  /** Waits are bounded by their callers; this only keeps abandoned ones from piling up. */
  readonly abandonAfterMs?: number;
}

/**
 * Read-your-writes when another process (the projector) runs the read models: the checkpoints it
 * commits with every batch say how far each read model is. Read only while someone waits: when
 * the read store's file reports a commit (SQLite), else every `pollMs`.
 */
export class StoredCheckpoints {
  private readonly waiters = new Set<Waiter>();
  private timer: NodeJS.Timeout | undefined;
  private last: ProjectionStatus[];
  private readonly watch: CommitWatch | undefined;
  private polling = false;
  /** The watch reported a commit while a read was under way: it may not be in what was read. */
  private commitSeen = false;
  /** A waiter came while a read was under way: the read may have started before its checkpoint. */
  private waiterArrived = false;
  private readonly pollMs: number;
  private readonly pollUnderWatchMs: number;
  private readonly abandonAfterMs: number;

  constructor(
    private readonly db: ReadDatabase,
    private readonly projections: readonly Projection[],
    options: StoredCheckpointsOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 50;
    this.pollUnderWatchMs = options.pollUnderWatchMs ?? 1_000;
    this.abandonAfterMs = options.abandonAfterMs ?? 60_000;
    this.last = projections.map(({ name, version }) => ({
      name,
      version,
      state: 'stopped',
      position: null,
      eventsHandled: 0,
      lastError: null,
    }));
    const file = options.sqliteFile;
    if (file) {
      this.watch = new CommitWatch({
        dir: dirname(file),
        walFile: `${basename(file)}-wal`,
        look: () => this.lookForCommit(),
      });
    }
  }

  /** As of the last poll. `state` is `stopped` (this process runs none of them) or `failed`. */
  statuses(): ProjectionStatus[] {
    return this.last;
  }

  /**
   * Whether the checkpoints last read already show `position` applied by every read model, none
   * of them failed (a failed one is reported by the next read, as in the API's own group). A
   * checkpoint only moves forward in what its tables hold (a rebuild's switch writes the end of the
   * log read under the write lock), so an old read that reached a position still holds.
   */
  hasApplied(position: Position): boolean {
    return this.last.every((status) => status.lastError === null) && this.reached(position);
  }

  whenCaughtUp(position: Position): Promise<void> {
    if (this.hasApplied(position)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.add({ position, since: Date.now(), resolve, reject });
      this.watch?.start();
      if (this.polling) this.waiterArrived = true;
      else this.schedule(0);
    });
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.watch?.close();
    this.settle(
      (waiter) => waiter.reject(new Error('The service is shutting down')),
      () => true,
    );
  }

  /** Reads the checkpoints after `ms` unless a read is already due sooner or under way. */
  private schedule(ms: number): void {
    if (this.polling) return;
    if (this.timer && ms > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.poll(), ms);
  }

  /** The watch's look: reads the checkpoints unless nobody waits; true once something moved. */
  private lookForCommit(): boolean | Promise<boolean> {
    if (this.waiters.size === 0) return true;
    if (this.polling) {
      this.commitSeen = true;
      return true;
    }
    return this.poll();
  }

  /** Reads every checkpoint and settles the waiters it can; true if a checkpoint moved. */
  private async poll(): Promise<boolean> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.polling = true;
    this.commitSeen = false;
    this.waiterArrived = false;
    const before = this.last;
    try {
      const stored = await readCheckpoints(this.db, this.projections);
      this.last = this.projections.map((projection, index) => statusOf(projection, stored[index]));
      const failed = this.last.find((status) => status.lastError !== null);
      if (failed) {
        const error = new Error(`Projection ${failed.name} failed: ${failed.lastError}`);
        this.settle(
          (waiter) => waiter.reject(error),
          () => true,
        );
      } else {
        this.settle(
          (waiter) => waiter.resolve(),
          (waiter) => this.reached(waiter.position),
        );
      }
    } catch {
      // No checkpoints table yet (the projector never ran), or the store is briefly away: keep waiting.
    }
    const abandoned = Date.now() - this.abandonAfterMs;
    this.settle(
      (waiter) => waiter.reject(new Error('No read model progress')),
      (waiter) => waiter.since < abandoned,
    );
    this.polling = false;
    const moved = this.last.some((status, index) => !samePosition(status.position, before[index].position));
    if (this.waiters.size === 0) {
      this.watch?.stop();
      return moved;
    }
    if (this.commitSeen) this.watch?.noticed();
    else if (this.waiterArrived) this.schedule(0);
    this.schedule(this.watch?.watching ? this.pollUnderWatchMs : this.pollMs);
    return moved;
  }

  private reached(position: Position): boolean {
    return this.last.every((status) => status.position !== null && comparePositions(status.position, position) >= 0);
  }

  private settle(action: (waiter: Waiter) => void, applies: (waiter: Waiter) => boolean): void {
    for (const waiter of [...this.waiters]) {
      if (!applies(waiter)) continue;
      this.waiters.delete(waiter);
      action(waiter);
    }
  }
}

function statusOf({ name, version }: Projection, stored: StoredCheckpoint | null): ProjectionStatus {
  return {
    name,
    version,
    state: stored?.lastError ? 'failed' : 'stopped',
    position: stored?.position ?? null,
    eventsHandled: stored?.eventsHandled ?? 0,
    lastError: stored?.lastError ?? null,
  };
}

function samePosition(a: Position | null, b: Position | null): boolean {
  return a === null || b === null ? a === b : comparePositions(a, b) === 0;
}
