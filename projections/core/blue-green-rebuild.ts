import type { EventStore, Position, RecordedEvent } from '@helpdesk/event-store';
import { comparePositions, headPosition } from '@helpdesk/event-store';
import { ProjectionFailure } from './apply-events.js';
import { BuildRun, type BuildOutcome, eventsAfter, stagingCheckpoint } from './build-run.js';
import { CheckpointMovedError, ensureCheckpointRow } from './checkpoints.js';
import { ensureLiveTables } from './live-tables.js';
import { type Projection, stagingTableNames } from './projection.js';
import {
  CHECKPOINTS_TABLE,
  type ReadDatabase,
  createProjectionTables,
  dropProjectionTables,
} from './read-model-schema.js';
import type { RebuildProgress } from './rebuild-progress.js';
import { type RebuildRecord, finishRebuild, insertRebuild, listRebuilds } from './rebuild-registry.js';

export { stagingCheckpoint } from './build-run.js';

export interface RebuildOptions {
  readonly now?: () => Date;
  readonly onProgress?: (progress: RebuildProgress) => void;
  /** Discard a build in progress instead of resuming it. */
  readonly fresh?: boolean;
  /** Stops between batches, leaving the build to be resumed (Ctrl-C). */
  readonly signal?: AbortSignal;
  readonly batchSize?: number;
}

export type RebuildOutcome = BuildOutcome;

/** The rebuilt projection threw: its tables were dropped and the live ones kept serving. */
export class RebuildFailedError extends Error {
  constructor(
    readonly build: number,
    cause: unknown,
  ) {
    super(
      `rebuild ${build} failed, the live tables were kept: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.name = 'RebuildFailedError';
  }
}

/** Another rebuild of the same projection is writing the same build. */
export class RebuildConflictError extends Error {
  constructor(name: string) {
    super(`another rebuild of ${name} is running`);
    this.name = 'RebuildConflictError';
  }
}

/** How one projection's rebuild ended when several were rebuilt together. */
export type RebuildResult =
  | { readonly projection: Projection; readonly outcome: RebuildOutcome }
  | { readonly projection: Projection; readonly error: RebuildFailedError | RebuildConflictError };

/**
 * Events per batch. A rebuild is a catch-up, not a live feed: large batches mean few commits and
 * each document written once per batch however many events touch it.
 */
const BATCH = 5_000;

/**
 * Rebuilds a projection from the start of `$all` without downtime ("blue/green"): it fills a
 * build's own tables while the live ones keep serving, then, in one read-store transaction,
 * applies the last few events, renames the live tables away and its own into their place and
 * moves the live checkpoint to its position. A live runner notices the moved checkpoint and goes
 * on from there. Every batch commits with the build's checkpoint, so a killed rebuild resumes
 * where it stopped; a projection that throws fails the build and nothing is switched.
 */
export async function rebuildProjection(
  store: EventStore,
  db: ReadDatabase,
  projection: Projection,
  options: RebuildOptions = {},
): Promise<RebuildOutcome> {
  const [result] = await rebuildProjections(store, db, [projection], options);
  if ('error' in result) throw result.error;
  return result.outcome;
}

/**
 * Rebuilds several projections blue/green with one read of `$all`: every batch read goes to each
 * build, which commits it to its own tables with its own checkpoint (builds resumed from different
 * places skip what they already have). Each build keeps every guarantee of a rebuild alone: one
 * that throws is failed and discarded while the others go on; each switches in on its own.
 * Results come in the order of `projections`.
 */
export async function rebuildProjections(
  store: EventStore,
  db: ReadDatabase,
  projections: readonly Projection[],
  options: RebuildOptions = {},
): Promise<RebuildResult[]> {
  const now = options.now ?? (() => new Date());
  const results = new Map<Projection, RebuildResult>();
  const builds: BuildRun[] = [];
  for (const projection of projections) {
    await ensureLiveTables(db, projection, now());
    try {
      const { record, resumed } = await openBuild(db, projection, options.fresh ?? false, now());
      const build = new BuildRun(store, db, projection, record, resumed, now, options.onProgress);
      await build.open();
      builds.push(build);
    } catch (error) {
      if (!(error instanceof RebuildConflictError)) throw error;
      results.set(projection, { projection, error });
    }
  }
  const fanOut = new FanOut(store, db, builds, options, now, (build, result) => results.set(build.projection, result));
  await fanOut.run();
  return projections.map((projection) => results.get(projection)!);
}

/** Reads `$all` once per pass and hands every batch to each build still running. */
class FanOut {
  private readonly batchSize: number;
  private readonly failed = new Set<BuildRun>();

  constructor(
    private readonly store: EventStore,
    private readonly db: ReadDatabase,
    private running: BuildRun[],
    private readonly options: RebuildOptions,
    private readonly now: () => Date,
    private readonly settle: (build: BuildRun, result: RebuildResult) => void,
  ) {
    this.batchSize = options.batchSize ?? BATCH;
  }

  async run(): Promise<void> {
    // Catch up until a pass over the log finds less than a batch: the rest goes into each switch.
    for (;;) {
      if (this.running.length === 0) return;
      const read = await this.pass();
      if (read === 'interrupted') {
        for (const build of this.running)
          this.settle(build, { projection: build.projection, outcome: build.outcome('interrupted') });
        return;
      }
      if (read < this.batchSize) break;
    }
    for (const build of this.running) {
      await this.guarded(build, async () =>
        this.settle(build, { projection: build.projection, outcome: await build.switchIn() }),
      );
    }
  }

  /** One read of the log from the build furthest behind; how many events it read. */
  private async pass(): Promise<number | 'interrupted'> {
    const head = await headPosition(this.store);
    for (const build of this.running) build.extendTo(head);
    let pending: RecordedEvent[] = [];
    let read = 0;
    const projections = this.running.map((build) => build.projection);
    for await (const event of eventsAfter(this.store, furthestBehind(this.running), projections)) {
      pending.push(event);
      read++;
      if (pending.length < this.batchSize) continue;
      await this.apply(pending);
      pending = [];
      if (this.options.signal?.aborted) return 'interrupted';
      if (this.running.length === 0) return read;
    }
    await this.apply(pending);
    return read;
  }

  /** Each build commits the batch in its own transaction; on PostgreSQL they run side by side. */
  private async apply(events: readonly RecordedEvent[]): Promise<void> {
    if (events.length === 0) return;
    // Settled, not raced: every transaction has ended before an error goes up.
    const settled = await Promise.allSettled(
      this.running.map((build) => this.guarded(build, () => build.applyBatch(events))),
    );
    this.running = this.running.filter((build) => !this.failed.has(build));
    const rejected = settled.find((result) => result.status === 'rejected');
    if (rejected) throw rejected.reason;
  }

  /** A build that fails leaves the fan-out; the others go on. Anything else stops them all (resumable). */
  private async guarded(build: BuildRun, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      const { projection, record } = build;
      if (error instanceof CheckpointMovedError) {
        this.failed.add(build);
        return this.settle(build, { projection, error: new RebuildConflictError(projection.name) });
      }
      if (!(error instanceof ProjectionFailure)) throw error;
      this.failed.add(build);
      await discardBuild(this.db, projection, record, 'failed', this.now(), error.message);
      this.settle(build, { projection, error: new RebuildFailedError(record.build, error) });
    }
  }
}

/** Where a shared read must start: the lowest checkpoint, `null` (the start) if any build has none. */
function furthestBehind(builds: readonly BuildRun[]): Position | null {
  let lowest: Position | null = null;
  for (const build of builds) {
    if (build.at === null) return null;
    if (lowest === null || comparePositions(build.at, lowest) < 0) lowest = build.at;
  }
  return lowest;
}

/** Drops a build's tables and checkpoint and records how it ended. */
export async function discardBuild(
  db: ReadDatabase,
  projection: Projection,
  record: Pick<RebuildRecord, 'build'>,
  state: 'failed' | 'abandoned',
  at: Date,
  error: string | null = null,
): Promise<void> {
  await dropProjectionTables(db, projection, stagingTableNames(projection, record.build));
  await db
    .deleteFrom(CHECKPOINTS_TABLE)
    .where('name', '=', stagingCheckpoint(projection, record.build))
    .where('version', '=', projection.version)
    .execute();
  await finishRebuild(
    db,
    { name: projection.name, version: projection.version, build: record.build },
    state,
    at,
    error,
  );
}

/** Resumes the build in progress (unless `fresh`, or it was started under other rules), or starts a new one. */
async function openBuild(
  db: ReadDatabase,
  projection: Projection,
  fresh: boolean,
  now: Date,
): Promise<{ record: RebuildRecord; resumed: boolean }> {
  const rebuilds = await listRebuilds(db, projection);
  const inProgress = rebuilds.find((rebuild) => rebuild.state === 'building');
  const rules = projection.rulesVersion ?? null;
  if (inProgress && !fresh && inProgress.rulesVersion === rules) return { record: inProgress, resumed: true };
  if (inProgress) await discardBuild(db, projection, inProgress, 'abandoned', now);
  const build = Math.max(0, ...rebuilds.map((rebuild) => rebuild.build)) + 1;
  const record: RebuildRecord = {
    name: projection.name,
    version: projection.version,
    build,
    state: 'building',
    rulesVersion: rules,
    startedAt: now.toISOString(),
    finishedAt: null,
    error: null,
  };
  try {
    await insertRebuild(db, record, false);
  } catch {
    throw new RebuildConflictError(projection.name);
  }
  const names = stagingTableNames(projection, build);
  await dropProjectionTables(db, projection, names);
  // Indexed once filled, just before the switch (see BuildRun.switchIn).
  await createProjectionTables(db, projection, names, false);
  await ensureCheckpointRow(db, stagingCheckpoint(projection, build), projection.version, now);
  return { record, resumed: false };
}
