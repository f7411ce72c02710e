import { AllSubscription, EventStore, Position, RecordedEvent, comparePositions } from '@helpdesk/event-store';
import { readCheckpoint, recordFailure, writeCheckpoint } from './checkpoints.js';
import { DocumentBatch, TrackingAccess } from './document-batch.js';
import { Projection } from './projection.js';
import { ReadDatabase, ensureProjectionTables } from './read-model-schema.js';

export type RunnerState = 'stopped' | 'catching_up' | 'live' | 'failed';

export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  readonly state: RunnerState;
  readonly position: Position | null;
  readonly eventsHandled: number;
  readonly lastError: string | null;
}

const MAX_BATCH = 500;

export interface RunnerOptions {
  /**
   * Runs first in every batch's transaction, before anything is read or written; throwing aborts
   * the batch. The projector fences its writes with it (see projector-lease.ts).
   */
  readonly beforeWrite?: (trx: ReadDatabase) => Promise<void>;
}

/** A writer that is no longer the one allowed to write: it stops without touching the store again. */
export class WriterFencedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WriterFencedError';
  }
}

/**
 * Follows `$all` for one projection: events are applied in batches, each batch's rows and the
 * checkpoint committed in one transaction, so a crash never applies an event twice. A failing
 * event stops the runner at that event, with the error in its status, instead of skipping it.
 */
export class ProjectionRunner {
  private subscription: AllSubscription | undefined;
  private running: Promise<void> | undefined;
  private state: RunnerState = 'stopped';
  private position: Position | null = null;
  private handled = 0;
  private lastError: string | null = null;
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly store: EventStore,
    private readonly db: ReadDatabase,
    readonly projection: Projection,
    private readonly now: () => Date = () => new Date(),
    private readonly options: RunnerOptions = {},
  ) {}

  async start(): Promise<void> {
    await ensureProjectionTables(this.db, this.projection);
    const stored = await readCheckpoint(this.db, this.projection.name, this.projection.version);
    this.position = stored?.position ?? null;
    this.handled = stored?.eventsHandled ?? 0;
    this.state = 'catching_up';
    this.lastError = null;
    this.subscription = this.store.subscribeToAll({ fromPosition: this.position ?? 'start' });
    this.running = this.follow(this.subscription).catch((error: unknown) => this.fail(error));
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
    await this.running;
    if (this.state !== 'failed') this.state = 'stopped';
    this.wake();
  }

  status(): ProjectionStatus {
    const { name, version } = this.projection;
    return { name, version, state: this.state, position: this.position, eventsHandled: this.handled, lastError: this.lastError };
  }

  /** Resolves once every event up to `position` is applied (or the runner failed: then it rejects). */
  async whenCaughtUp(position?: Position): Promise<void> {
    for (;;) {
      if (this.state === 'failed') throw new Error(`Projection ${this.projection.name} failed: ${this.lastError}`);
      const reached = position ? this.position !== null && comparePositions(this.position, position) >= 0 : this.state === 'live';
      if (reached) return;
      await new Promise<void>((resolve) => this.waiters.add(resolve));
    }
  }

  private async follow(subscription: AllSubscription): Promise<void> {
    const iterator = subscription[Symbol.asyncIterator]();
    let pending: RecordedEvent[] = [];
    let next = iterator.next();
    for (;;) {
      const item = pending.length > 0 ? await Promise.race([next, nextTurn()]) : await next;
      if (item === IDLE) {
        await this.apply(pending);
        pending = [];
        continue;
      }
      if (item.done) break;
      next = iterator.next();
      const message = item.value;
      if (message.kind === 'event') pending.push(message.event);
      if (pending.length >= MAX_BATCH) {
        await this.apply(pending);
        pending = [];
      }
      if (message.kind === 'caughtUp') {
        await this.apply(pending);
        pending = [];
        this.state = 'live';
        this.wake();
      }
    }
    await this.apply(pending);
  }

  private async apply(events: readonly RecordedEvent[]): Promise<void> {
    if (events.length === 0) return;
    const handles = new Set(this.projection.eventTypes);
    const last = events[events.length - 1].position;
    let handled = this.handled;
    await this.db.transaction().execute(async (trx) => {
      await this.options.beforeWrite?.(trx);
      const batch = new DocumentBatch(trx, this.projection);
      const access = new TrackingAccess(batch);
      for (const event of events) {
        if (!handles.has(event.type)) continue;
        try {
          await this.projection.project(event, access);
        } catch (error) {
          throw new ProjectionFailure(event, error);
        }
        handled++;
      }
      await batch.flush(access.changed);
      await writeCheckpoint(trx, this.projection.name, this.projection.version, last, handled, this.now());
    });
    this.position = last;
    this.handled = handled;
    this.wake();
  }

  private async fail(error: unknown): Promise<void> {
    this.state = 'failed';
    this.lastError = error instanceof Error ? error.message : String(error);
    // A fenced-out writer's error is not the projection's: the checkpoints now belong to another writer.
    if (!(error instanceof WriterFencedError)) {
      await recordFailure(this.db, this.projection.name, this.projection.version, this.lastError, this.now()).catch(() => undefined);
    }
    await this.subscription?.close();
    this.wake();
  }

  private wake(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    waiters.forEach((wake) => wake());
  }
}

/** The event a projection could not apply: the runner stops there, naming it. */
export class ProjectionFailure extends Error {
  constructor(readonly event: RecordedEvent, cause: unknown) {
    super(
      `cannot apply ${event.type} at ${event.streamName}@${event.revision} (position ${event.position.commit}): ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
      { cause },
    );
    this.name = 'ProjectionFailure';
  }
}

const IDLE = Symbol('idle');

/** Lets already-delivered events pile into one batch, without waiting for anything else. */
function nextTurn(): Promise<typeof IDLE> {
  return new Promise((resolve) => setImmediate(() => resolve(IDLE)));
}
