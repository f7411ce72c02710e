/** Wakes live subscriptions when a commit moves the head of the log, with no polling delay. */
export class AppendSignal {
  private waiters = new Set<() => void>();

  constructor(private head: number) {}

  committed(head: number): void {
    this.head = head;
    this.wakeAll();
  }

  wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    waiters.forEach((wake) => wake());
  }

  /** Resolves once the log holds something after `position`, or the waiter no longer cares. */
  async waitBeyond(position: number, stop: () => boolean): Promise<void> {
    while (!stop() && this.head <= position) {
      await new Promise<void>((resolve) => this.waiters.add(resolve));
    }
  }
}
