import { type Position, comparePositions } from '@helpdesk/event-store';

/** How far the processor has got in `$all`, and who is waiting for it to get somewhere. */
export class ProcessingProgress {
  private position: Position | null = null;
  private waiters: { readonly position: Position; readonly resolve: () => void }[] = [];
  private markCaughtUp: () => void = () => undefined;
  readonly caughtUpOnce = new Promise<void>((resolve) => (this.markCaughtUp = resolve));

  get processedUpTo(): Position | null {
    return this.position;
  }

  reached(position: Position): void {
    if (this.position && comparePositions(position, this.position) <= 0) return;
    this.position = position;
    const due = this.waiters.filter((waiter) => comparePositions(waiter.position, position) <= 0);
    this.waiters = this.waiters.filter((waiter) => !due.includes(waiter));
    due.forEach((waiter) => waiter.resolve());
  }

  /** Resolves once everything up to `position` (inclusive) is processed. */
  when(position: Position): Promise<void> {
    if (this.position && comparePositions(position, this.position) <= 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ position, resolve }));
  }

  caughtUp(): void {
    this.markCaughtUp();
  }
}
