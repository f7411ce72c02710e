import type { Logger } from '@nestjs/common';
import { type Position, comparePositions } from '@helpdesk/event-store';
import { LowWatermark, type TrackedWork } from './low-watermark.js';
import type { StreamCheckpoint } from '@helpdesk/event-store';

/**
 * How far a follower got: the events under way, the low watermark and its durable checkpoint, and
 * who waits for it to fall idle (tests, shutdown).
 */
export class FollowProgress {
  private watermark = new LowWatermark(null);
  private underWay = 0;
  private settledSinceCheckpoint = 0;
  private lastSeen: Position | null = null;
  private caughtUp = false;
  private readonly idleWaiters: { after?: Position; resolve: () => void }[] = [];
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly checkpoint: StreamCheckpoint,
    private readonly checkpointEvery: number,
    private readonly logger: Logger,
  ) {}

  /** Following the log (again) from `from`, exclusive. */
  startFrom(from: Position | null): void {
    this.watermark = new LowWatermark(from);
    this.lastSeen = from;
    this.caughtUp = false;
  }

  /** Where to follow the log again after losing it: right after the last position seen. */
  get resumePosition(): Position | null {
    return this.lastSeen;
  }

  get eventsUnderWay(): number {
    return this.underWay;
  }

  begin(position: Position): TrackedWork {
    this.lastSeen = position;
    this.underWay++;
    return this.watermark.track(position);
  }

  /** `settled` false: stopped before the work reached an end; the checkpoint stays before it. */
  end(work: TrackedWork, settled: boolean): void {
    this.underWay--;
    if (settled) {
      this.watermark.settle(work);
      if (++this.settledSinceCheckpoint >= this.checkpointEvery) void this.flush();
    }
    this.notifyIfIdle();
  }

  passed(position: Position): void {
    this.lastSeen = position;
    this.watermark.passed(position);
    this.notifyIfIdle();
  }

  markCaughtUp(): void {
    this.caughtUp = true;
    this.notifyIfIdle();
  }

  whenIdle(after?: Position): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push({ after, resolve });
      this.notifyIfIdle();
    });
  }

  /** Writes go one after the other; a failed write is only logged (the next one catches up). */
  flush(): Promise<void> {
    this.settledSinceCheckpoint = 0;
    this.flushing = this.flushing.then(async () => {
      const position = this.watermark.position;
      if (position === null) return;
      try {
        await this.checkpoint.write(position);
      } catch (error) {
        this.logger.warn(`Could not write the checkpoint: ${String(error)}`);
      }
    });
    return this.flushing;
  }

  /** Idle: history replayed and every event seen at an end. The checkpoint is written then too. */
  private notifyIfIdle(): void {
    if (!this.caughtUp || this.underWay > 0) return;
    const seen = (after?: Position) =>
      !after || (this.lastSeen !== null && comparePositions(this.lastSeen, after) >= 0);
    const ready = this.idleWaiters.filter(({ after }) => seen(after));
    if (this.settledSinceCheckpoint === 0 && ready.length === 0) return;
    const flushed = this.flush();
    for (const waiter of ready) {
      this.idleWaiters.splice(this.idleWaiters.indexOf(waiter), 1);
      void flushed.then(waiter.resolve);
    }
  }
}
