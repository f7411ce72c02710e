import { type Position, comparePositions } from '@helpdesk/event-store';
import { readCheckpoint } from '@helpdesk/projections/core/checkpoints.js';
import type { Projection } from '@helpdesk/projections/core/projection.js';
import type { ProjectionStatus } from '@helpdesk/projections/core/projection-group.js';
import type { ReadDatabase } from '@helpdesk/projections/core/read-model-schema.js';

interface Waiter {
  readonly position: Position;
  readonly since: number;
  resolve(): void;
  reject(error: Error): void;
}

/**
 * Read-your-writes when another process (the projector) runs the read models: the checkpoints it
 * commits with every batch say how far each read model is. Polled only while someone waits.
 */
export class StoredCheckpoints {
  private readonly waiters = new Set<Waiter>();
  private timer: NodeJS.Timeout | undefined;
  private last: ProjectionStatus[];

  constructor(
    private readonly db: ReadDatabase,
    private readonly projections: readonly Projection[],
    private readonly pollMs = 50,
    /** Waits are bounded by their callers; this only keeps abandoned ones from piling up. */
    private readonly abandonAfterMs = 60_000,
  ) {
    this.last = projections.map(({ name, version }) => ({
      name,
      version,
      state: 'stopped',
      position: null,
      eventsHandled: 0,
      lastError: null,
    }));
  }

  /** As of the last poll. `state` is `stopped` (this process runs none of them) or `failed`. */
  statuses(): ProjectionStatus[] {
    return this.last;
  }

  whenCaughtUp(position: Position): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiters.add({ position, since: Date.now(), resolve, reject });
      this.timer ??= setTimeout(() => void this.poll(), 0);
    });
  }

  close(): void {
    clearTimeout(this.timer);
    this.settle(
      (waiter) => waiter.reject(new Error('The service is shutting down')),
      () => true,
    );
  }

  private async poll(): Promise<void> {
    try {
      this.last = await Promise.all(this.projections.map((projection) => this.statusOf(projection)));
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
    this.timer = this.waiters.size > 0 ? setTimeout(() => void this.poll(), this.pollMs) : undefined;
  }

  private reached(position: Position): boolean {
    return this.last.every((status) => status.position !== null && comparePositions(status.position, position) >= 0);
  }

  private async statusOf(projection: Projection): Promise<ProjectionStatus> {
    const { name, version } = projection;
    const stored = await readCheckpoint(this.db, name, version);
    return {
      name,
      version,
      state: stored?.lastError ? 'failed' : 'stopped',
      position: stored?.position ?? null,
      eventsHandled: stored?.eventsHandled ?? 0,
      lastError: stored?.lastError ?? null,
    };
  }

  private settle(action: (waiter: Waiter) => void, applies: (waiter: Waiter) => boolean): void {
    for (const waiter of [...this.waiters]) {
      if (!applies(waiter)) continue;
      this.waiters.delete(waiter);
      action(waiter);
    }
  }
}
