import { AllSubscription, EventStore, Position, RecordedEvent, comparePositions } from '@helpdesk/event-store';
import { LIVE_CACHE_DOCUMENTS, ProjectionFailure, ProjectionWriter, applyEvents, yieldToEventLoop } from './apply-events.js';
import { CheckpointMovedError, claimCheckpoint, readCheckpoint, recordFailure, writeCheckpoint } from './checkpoints.js';
import { ensureLiveTables } from './live-tables.js';
import { Projection, liveTableNames } from './projection.js';
import { ReadDatabase } from './read-model-schema.js';

export type RunnerState = 'stopped' | 'catching_up' | 'live' | 'failed';

export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  readonly state: RunnerState;
  readonly position: Position | null;
  readonly eventsHandled: number;
  readonly lastError: string | null;
}

/** Events per transaction once live; while catching up, more: fewer commits, each document written once per batch. */
const LIVE_BATCH = 500;
const CATCH_UP_BATCH = 5_000;

export interface RunnerOptions {
  /**
   * Runs first in every batch's transaction, before anything is read or written; throwing aborts
   * the batch. The projector fences its writes with it (see projector-lease.ts).
   */
  readonly beforeWrite?: (trx: ReadDatabase) => Promise<void>;
  /** How often a failed runner looks whether a rebuild replaced its tables (then it resumes). */
  readonly repairPollMs?: number;
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
 * event stops the runner at that event, with the error in its status, instead of skipping it;
 * it resumes by itself once a rebuild has switched working tables in. When another writer moves
 * the checkpoint (a rebuild's switch), the runner reloads from it.
 */
export class ProjectionRunner {
  private subscription: AllSubscription | undefined;
  private running: Promise<void> | undefined;
  private stopping = false;
  private state: RunnerState = 'stopped';
  private position: Position | null = null;
  private handled = 0;
  private lastError: string | null = null;
  private readonly waiters = new Set<() => void>();
  private writer: ProjectionWriter | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly db: ReadDatabase,
    readonly projection: Projection,
    private readonly now: () => Date = () => new Date(),
    private readonly options: RunnerOptions = {},
  ) {
  }

  async start(): Promise<void> {
    await ensureLiveTables(this.db, this.projection, this.now());
    this.stopping = false;
    await this.subscribe();
    this.running = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.subscription?.close();
    this.wake();
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

  /** Loads the stored checkpoint and follows `$all` from it. */
  private async subscribe(): Promise<void> {
    const stored = await readCheckpoint(this.db, this.projection.name, this.projection.version);
    this.position = stored?.position ?? null;
    this.handled = stored?.eventsHandled ?? 0;
    this.state = 'catching_up';
    this.lastError = null;
    // Read after the checkpoint: a writer that changed the tables since moved it, and our first claim fails.
    this.writer = await ProjectionWriter.open(this.db, this.projection, liveTableNames(this.projection), LIVE_CACHE_DOCUMENTS);
    this.subscription = this.store.subscribeToAll({ fromPosition: this.position ?? 'start' });
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.follow(this.subscription!);
        return;
      } catch (error) {
        await this.subscription?.close();
        if (this.stopping) return;
        if (!(error instanceof CheckpointMovedError)) {
          await this.fail(error);
          if (error instanceof WriterFencedError || !(await this.repaired())) return;
        }
        await this.subscribe();
        this.wake();
      }
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
      if (pending.length >= (this.state === 'live' ? LIVE_BATCH : CATCH_UP_BATCH)) {
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

  /**
   * Commits the batch; when an event of it fails, commits the events before it first, so the
   * checkpoint stops right before the failing event (the whole batch would roll back otherwise).
   */
  private async apply(events: readonly RecordedEvent[]): Promise<void> {
    try {
      await this.commit(events);
    } catch (error) {
      const failedAt = error instanceof ProjectionFailure ? events.indexOf(error.event) : -1;
      if (failedAt > 0) await this.commit(events.slice(0, failedAt));
      throw error;
    }
  }

  private async commit(events: readonly RecordedEvent[]): Promise<void> {
    if (events.length === 0) return;
    const { name, version } = this.projection;
    const last = events[events.length - 1].position;
    let handled = this.handled;
    const writer = this.writer!;
    await writer.transaction(this.db, async (trx) => {
      await this.options.beforeWrite?.(trx);
      await claimCheckpoint(trx, name, version, this.position, this.now());
      handled += await applyEvents(trx, writer, events);
      await writeCheckpoint(trx, name, version, last, handled, this.now());
    });
    this.position = last;
    this.handled = handled;
    this.wake();
    await yieldToEventLoop();
  }

  private async fail(error: unknown): Promise<void> {
    this.state = 'failed';
    this.lastError = error instanceof Error ? error.message : String(error);
    // A fenced-out writer's error is not the projection's: the checkpoints now belong to another writer.
    if (!(error instanceof WriterFencedError)) {
      const { name, version } = this.projection;
      await recordFailure(this.db, name, version, this.lastError, this.now()).catch(() => undefined);
    }
    this.wake();
  }

  /**
   * Waits, while failed, until the stored checkpoint no longer carries an error: a rebuild has
   * switched working tables in (a failed batch never clears it). False when stopped first.
   */
  private async repaired(): Promise<boolean> {
    const pollMs = this.options.repairPollMs ?? 2_000;
    while (!this.stopping) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        this.waiters.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      if (this.stopping) return false;
      const stored = await readCheckpoint(this.db, this.projection.name, this.projection.version).catch(() => null);
      if (stored && stored.lastError === null) return true;
    }
    return false;
  }

  private wake(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    waiters.forEach((wake) => wake());
  }
}

const IDLE = Symbol('idle');

/** Lets already-delivered events pile into one batch, without waiting for anything else. */
function nextTurn(): Promise<typeof IDLE> {
  return new Promise((resolve) => setImmediate(() => resolve(IDLE)));
}
