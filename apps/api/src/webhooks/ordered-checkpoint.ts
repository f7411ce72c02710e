import { type Position, type StreamCheckpoint, comparePositions } from '@helpdesk/event-store';
import type { ProcessingProgress } from './processing-progress.js';

interface Tracked {
  readonly position: Position;
  readonly work: Promise<void>;
  done: boolean;
}

/**
 * Payloads are processed several at a time and finish in any order; `whenProcessed` and the
 * durable checkpoint move past a position only once everything up to it is done, so a restart
 * never skips a payload. Checkpoint writes are serialised and coalesced: while one is being
 * written, or for `minIntervalMs` after it, later positions wait and only the furthest is written
 * next. Each write is an fsynced append that wakes every follower of `$all`: one per payload was
 * a third of the commits at Meta's default rate. A crash replays what the last write did not
 * cover, which the commands make harmless (idempotent by wamid); `settled` writes at once.
 */
export class OrderedCheckpoint {
  private readonly queue: Tracked[] = [];
  private target: Position | null = null;
  private writing: Promise<void> | null = null;
  private failure: { readonly error: unknown } | null = null;
  private lastWrittenAt = Number.NEGATIVE_INFINITY;
  /** Set by `settled`: no more waiting between writes. */
  private flushing = false;
  private endRest: (() => void) | null = null;

  constructor(
    private readonly checkpoint: StreamCheckpoint,
    private readonly progress: ProcessingProgress,
    private readonly minIntervalMs = 0,
  ) {}

  /** `work` is what the message at `position` needs done; for messages without any, a resolved promise. */
  track(position: Position, work: Promise<void>): void {
    const tracked: Tracked = { position, work, done: false };
    this.queue.push(tracked);
    work.then(
      () => {
        tracked.done = true;
        this.advance();
      },
      (error: unknown) => (this.failure ??= { error }),
    );
  }

  /** Throws what made a payload or a checkpoint write fail: the caller resumes from the durable checkpoint. */
  throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }

  /** Resolves once everything tracked so far has finished and the checkpoint written after it is durable. */
  async settled(): Promise<void> {
    await Promise.allSettled(this.queue.map((tracked) => tracked.work));
    this.flushing = true;
    this.endRest?.();
    await this.writing;
  }

  private advance(): void {
    let reached: Position | null = null;
    while (this.queue[0]?.done) reached = this.queue.shift()!.position;
    if (!reached || this.failure) return;
    this.progress.reached(reached);
    this.target = reached;
    this.writing ??= this.write();
  }

  private async write(): Promise<void> {
    try {
      let written: Position | null = null;
      while (this.target && (!written || comparePositions(this.target, written) > 0)) {
        await this.rest();
        const position: Position = this.target;
        await this.checkpoint.write(position);
        this.lastWrittenAt = performance.now();
        written = position;
      }
    } catch (error) {
      this.failure ??= { error };
    } finally {
      this.writing = null;
    }
  }

  /** Until `minIntervalMs` after the last write, or until `settled` asks for the write at once. */
  private rest(): Promise<void> {
    const wait = this.lastWrittenAt + this.minIntervalMs - performance.now();
    if (this.flushing || wait <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const end = () => {
        clearTimeout(timer);
        this.endRest = null;
        resolve();
      };
      const timer = setTimeout(end, wait);
      this.endRest = end;
    });
  }
}
