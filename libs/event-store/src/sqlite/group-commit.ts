import type { Database } from 'better-sqlite3';

interface PendingWrite {
  run(): unknown;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * Writes queued in the same turn of the event loop share one transaction, hence one fsync.
 * Each write runs in its own savepoint, so one failing write (a wrong expected version)
 * rolls back alone while the others commit. Nobody hears "done" before the commit is durable.
 */
export class GroupCommit {
  private queue: PendingWrite[] = [];
  private scheduled = false;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => undefined;
  /** The last commit, when it failed: cleared by the next commit that succeeds. */
  lastFailure: { readonly at: number; readonly message: string } | null = null;

  constructor(
    private readonly db: Database,
    private readonly onCommitted: () => void,
    private readonly toStoreError: (error: unknown) => unknown,
  ) {}

  write<T>(run: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  /** Resolves once every write queued so far has been committed or refused. */
  drained(): Promise<void> {
    return this.queue.length === 0 && !this.scheduled ? Promise.resolve() : this.idle;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.idle = new Promise((resolve) => (this.markIdle = resolve));
    setImmediate(() => this.flush());
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    const outcomes: { ok: boolean; value: unknown }[] = [];
    const runOne = this.db.transaction((write: PendingWrite) => write.run());
    const runAll = this.db.transaction(() => {
      for (const write of batch) {
        try {
          outcomes.push({ ok: true, value: runOne(write) });
        } catch (error) {
          outcomes.push({ ok: false, value: error });
        }
      }
    });
    try {
      runAll();
    } catch (commitError) {
      const error = this.toStoreError(commitError);
      this.lastFailure = { at: Date.now(), message: (error as Error).message };
      batch.forEach((write) => write.reject(error));
      this.settle();
      return;
    }
    this.lastFailure = null;
    this.onCommitted();
    batch.forEach((write, index) => {
      const outcome = outcomes[index];
      if (outcome.ok) write.resolve(outcome.value);
      else write.reject(this.toStoreError(outcome.value));
    });
    this.settle();
  }

  private settle(): void {
    if (this.queue.length > 0) return;
    this.markIdle();
  }
}
