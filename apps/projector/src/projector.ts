import type { EventStore, Position } from '@helpdesk/event-store';
import type { Projection } from '@helpdesk/projections/core/projection.js';
import {
  ProjectionGroup,
  type ProjectionStatus,
  type RunnerOptions,
} from '@helpdesk/projections/core/projection-group.js';
import type { HeldLease, Lease, LeaseLog } from '@helpdesk/projections/core/projector-lease.js';
import type { ReadDatabase } from '@helpdesk/projections/core/read-model-schema.js';

export type ProjectorState = 'starting' | 'waiting' | 'projecting' | 'stopped';

export interface ProjectorLog extends LeaseLog {
  error(fields: object, message: string): void;
}

export interface ProjectorParts {
  readonly store: EventStore;
  readonly db: ReadDatabase;
  readonly projections: readonly Projection[];
  /** Only the holder writes (PostgreSQL: an advisory lock; SQLite: a lock of this machine). */
  readonly lease?: Lease;
  readonly log: ProjectorLog;
  readonly now?: () => Date;
  /** After a failed start (store unreachable, ...), how long before trying again. */
  readonly retryMs?: number;
}

/** The read models without the HTTP API: the same projection group, behind the lease when there is one. */
export class Projector {
  private state: ProjectorState = 'starting';
  private group: ProjectionGroup | undefined;
  private readonly stopping = new AbortController();
  private readonly stopped: Promise<'stop'>;
  private loop: Promise<void> | undefined;
  private readonly watchers = new Set<() => void>();

  constructor(private readonly parts: ProjectorParts) {
    this.stopped = new Promise((resolve) =>
      this.stopping.signal.addEventListener('abort', () => resolve('stop'), { once: true }),
    );
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }

  status(): { state: ProjectorState; projections: ProjectionStatus[] } {
    return { state: this.state, projections: this.group?.statuses() ?? [] };
  }

  /** Resolves when the projector is in `state` (tests and the process's own logs). */
  async whenState(state: ProjectorState): Promise<void> {
    while (this.state !== state) await new Promise<void>((resolve) => this.watchers.add(resolve));
  }

  /** Resolves once every read model has applied `$all` up to `position` (default: is live). */
  async whenCaughtUp(position?: Position): Promise<void> {
    await this.group?.whenCaughtUp(position);
  }

  private async run(): Promise<void> {
    const { lease, log } = this.parts;
    while (!this.stopping.signal.aborted) {
      this.setState('waiting');
      const held = lease ? await lease.acquire(this.stopping.signal) : undefined;
      if (held === null) break;
      const retryMs = this.parts.retryMs ?? 5_000;
      let pauseMs = 0;
      try {
        const outcome = await this.project(held);
        // A holder whose session just died steps back a while, so a standby (trying every retry) takes over.
        if (outcome === 'lost') pauseMs = 3 * retryMs;
      } catch (error) {
        log.error({ err: error }, 'The projector could not run the read models: retrying');
        pauseMs = retryMs;
      } finally {
        await this.group?.stop();
        await held?.release();
      }
      await this.pause(pauseMs);
    }
    this.setState('stopped');
  }

  private async project(held: HeldLease | undefined): Promise<'lost' | 'stop'> {
    const { store, db, projections, now = () => new Date(), log } = this.parts;
    const options: RunnerOptions = held ? { beforeWrite: (trx) => held.fence(trx) } : {};
    this.group = new ProjectionGroup(store, db, projections, now, options);
    await this.group.start();
    this.setState('projecting');
    log.info(
      { projections: projections.map((projection) => projection.name), epoch: held?.epoch },
      'Projector running the read models',
    );
    const outcome = await Promise.race([held?.lost ?? new Promise<never>(() => undefined), this.stopped]);
    if (outcome === 'stop') return 'stop';
    this.setState('waiting');
    log.warn({ reason: outcome.message }, 'Projector lease lost: stopping the read models until it is taken again');
    return 'lost';
  }

  private async pause(ms: number): Promise<void> {
    if (ms === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([new Promise((resolve) => (timer = setTimeout(resolve, ms))), this.stopped]);
    clearTimeout(timer);
  }

  private setState(state: ProjectorState): void {
    this.state = state;
    const watchers = [...this.watchers];
    this.watchers.clear();
    watchers.forEach((wake) => wake());
  }
}
