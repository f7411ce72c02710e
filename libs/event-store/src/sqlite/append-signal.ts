/**
 * Wakes live subscriptions when a commit moves the head of the log: at once for this process's
 * commits, and within `externalCheckMs` for commits by another process on the same file
 * (e.g. the `helpdesk` CLI while the API runs), which SQLite reports through `data_version`.
 */
export class AppendSignal {
  private waiters = new Set<() => void>();
  private externalWatch: NodeJS.Timeout | undefined;

  constructor(
    private head: number,
    private readonly readExternalHead: () => number | undefined,
    private readonly externalCheckMs = 200,
  ) {}

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
    this.stopWatchingWhenIdle();
  }

  /** Resolves once the log holds something after `position`, or the waiter no longer cares. */
  async waitBeyond(position: number, stop: () => boolean): Promise<void> {
    while (!stop() && this.head <= position) {
      await new Promise<void>((resolve) => {
        this.waiters.add(resolve);
        this.watchExternalCommits();
      });
    }
  }

  stop(): void {
    clearInterval(this.externalWatch);
    this.externalWatch = undefined;
  }

  private watchExternalCommits(): void {
    if (this.externalWatch) return;
    this.externalWatch = setInterval(() => {
      const head = this.readExternalHead();
      if (head !== undefined && head > this.head) this.committed(head);
    }, this.externalCheckMs);
    this.externalWatch.unref();
  }

  private stopWatchingWhenIdle(): void {
    if (this.waiters.size === 0) this.stop();
  }
}
