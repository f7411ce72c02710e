import type { Position } from '@helpdesk/event-store';

export interface TrackedWork {
  readonly position: Position;
  settled: boolean;
}

/**
 * The low watermark of a follower's work: the last `$all` position up to which every event seen
 * reached an end (a message sent, failed or unknown; a media stored or given up). Work settles out
 * of order (retries wait), so the checkpoint only moves over a prefix of settled events; a restart
 * replays from there and the state in each stream tells what is left to do.
 */
export class LowWatermark {
  private readonly inOrder: TrackedWork[] = [];

  constructor(private settledUpTo: Position | null) {}

  get position(): Position | null {
    return this.settledUpTo;
  }

  /** Work found at `position`, in the order the subscription delivers it. */
  track(position: Position): TrackedWork {
    const work = { position, settled: false };
    this.inOrder.push(work);
    return work;
  }

  /** The subscription scanned up to here without finding work. */
  passed(position: Position): void {
    this.inOrder.push({ position, settled: true });
    this.advance();
  }

  settle(work: TrackedWork): void {
    work.settled = true;
    this.advance();
  }

  private advance(): void {
    while (this.inOrder.length > 0 && this.inOrder[0].settled) {
      this.settledUpTo = (this.inOrder.shift() as TrackedWork).position;
    }
  }
}
