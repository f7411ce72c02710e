import { type Position, type RecordedEvent, comparePositions } from '@helpdesk/event-store';
import { LIVE_CACHE_DOCUMENTS, ProjectionWriter } from './apply-events.js';
import { readCheckpoint } from './checkpoints.js';
import { type Projection, liveTableNames } from './projection.js';
import type { ReadDatabase } from './read-model-schema.js';

export type RunnerState = 'stopped' | 'catching_up' | 'live' | 'failed';

export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  readonly state: RunnerState;
  readonly position: Position | null;
  readonly eventsHandled: number;
  readonly lastError: string | null;
}

/** `a` is at or after `b` in `$all` (null: before the first event). */
export function atOrAfter(a: Position | null, b: Position | null): boolean {
  if (b === null) return true;
  return a !== null && comparePositions(a, b) >= 0;
}

/**
 * One projection of a live group: its own checkpoint (where its rows are), its own document cache,
 * its own failure. `seen` is how far it has looked at `$all` (applied or found nothing to apply).
 */
export class GroupMember {
  position: Position | null = null;
  seen: Position | null = null;
  handled = 0;
  /** The checkpoint row's `updated_at` as this member last wrote (or read) it: its claim expects it. */
  stamp: string | undefined;
  failed = false;
  lastError: string | null = null;
  /** Set when its checkpoint must be read again before it goes on (first start, moved, repaired). */
  reload = true;
  writer: ProjectionWriter | undefined;

  constructor(readonly projection: Projection) {}

  /** Loads the stored checkpoint and a fresh cache (another writer may have changed the tables). */
  async load(db: ReadDatabase): Promise<void> {
    const { name, version } = this.projection;
    const stored = await readCheckpoint(db, name, version);
    this.position = stored?.position ?? null;
    this.seen = this.position;
    this.handled = stored?.eventsHandled ?? 0;
    this.stamp = stored?.updatedAt;
    this.failed = false;
    this.lastError = null;
    // Read after the checkpoint: a writer that changed the tables since moved it, and our first claim fails.
    this.writer = await ProjectionWriter.open(
      db,
      this.projection,
      liveTableNames(this.projection),
      LIVE_CACHE_DOCUMENTS,
    );
    this.reload = false;
  }

  get active(): boolean {
    return !this.failed && !this.reload;
  }

  /** The events of a batch it has not seen yet. */
  unseen(events: readonly RecordedEvent[]): readonly RecordedEvent[] {
    const seen = this.seen;
    if (seen === null || events.length === 0 || comparePositions(events[0].position, seen) > 0) return events;
    return events.filter((event) => comparePositions(event.position, seen) > 0);
  }

  committed(last: Position, handled: number, stamp: string): void {
    this.stamp = stamp;
    this.position = last;
    this.seen = last;
    this.handled = handled;
  }

  fail(error: unknown): void {
    this.failed = true;
    this.lastError = error instanceof Error ? error.message : String(error);
  }

  status(state: RunnerState): ProjectionStatus {
    const { name, version } = this.projection;
    return { name, version, state, position: this.position, eventsHandled: this.handled, lastError: this.lastError };
  }
}
