import type { Position } from '@helpdesk/event-store';

export type RebuildPhase = 'catching_up' | 'switching' | 'switched';

/** What a rebuild reports after every batch. */
export interface RebuildProgress {
  readonly projection: string;
  readonly build: number;
  readonly phase: RebuildPhase;
  /** `$all` events read by this run (a resumed run counts from where it resumed). */
  readonly eventsRead: number;
  /** Events the projection handled in this build, across runs. */
  readonly eventsHandled: number;
  /** How far through the log the build is, 0 to 1, measured in log positions. */
  readonly fraction: number;
  readonly eventsPerSecond: number;
  /** `null` until there is a rate to go by. */
  readonly etaSeconds: number | null;
  readonly resumed: boolean;
}

/**
 * Turns positions into a fraction of the log and a rate into an ETA. Positions, not event counts,
 * because counting the log first would cost as much as reading it; on both stores positions grow
 * with the log, so their share is a fair measure of the work left.
 */
export class ProgressMeter {
  private readonly startedAt: number;
  private readonly startPosition: number;

  constructor(
    private readonly first: Position | null,
    private head: Position | null,
    resumedFrom: Position | null,
    private readonly clock: () => number,
  ) {
    this.startedAt = clock();
    this.startPosition = Number((resumedFrom ?? first)?.commit ?? 0n);
  }

  /** The log grew while we read: measure against its new end. */
  extendTo(head: Position | null): void {
    if (head && (!this.head || head.commit > this.head.commit)) this.head = head;
  }

  measure(
    position: Position | null,
    eventsRead: number,
  ): Pick<RebuildProgress, 'fraction' | 'eventsPerSecond' | 'etaSeconds'> {
    const first = Number(this.first?.commit ?? 0n);
    const head = Number(this.head?.commit ?? 0n);
    const at = Number(position?.commit ?? BigInt(this.startPosition));
    const span = head - first;
    const fraction = span <= 0 ? 1 : clamp((at - first) / span);
    const seconds = Math.max((this.clock() - this.startedAt) / 1000, 1e-3);
    const eventsPerSecond = eventsRead / seconds;
    const positionsPerSecond = (at - this.startPosition) / seconds;
    const etaSeconds = positionsPerSecond > 0 ? Math.max(0, head - at) / positionsPerSecond : null;
    return { fraction, eventsPerSecond, etaSeconds };
  }
}

function clamp(value: number): number {
  return Math.min(1, Math.max(0, value));
}
