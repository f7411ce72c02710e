import type { EventStore, Position, RecordedEvent } from '@helpdesk/event-store';
import { comparePositions, firstPosition, headPosition } from '@helpdesk/event-store';
import { ProjectionFailure, applyEvents, yieldToEventLoop } from './apply-events.js';
import {
  CheckpointMovedError,
  claimCheckpoint,
  ensureCheckpointRow,
  readCheckpoint,
  writeCheckpoint,
} from './checkpoints.js';
import { ensureLiveTables } from './live-tables.js';
import { type Projection, type TableNames, liveTableNames, retiredTableNames, stagingTableNames } from './projection.js';
import { CHECKPOINTS_TABLE, type ReadDatabase, createProjectionTables, dropProjectionTables, tableExists } from './read-model-schema.js';
import { ProgressMeter, type RebuildProgress } from './rebuild-progress.js';
import { type RebuildRecord, finishRebuild, insertRebuild, listRebuilds } from './rebuild-registry.js';
import { sql } from 'kysely';

export interface RebuildOptions {
  readonly now?: () => Date;
  readonly onProgress?: (progress: RebuildProgress) => void;
  /** Discard a build in progress instead of resuming it. */
  readonly fresh?: boolean;
  /** Stops between batches, leaving the build to be resumed (Ctrl-C). */
  readonly signal?: AbortSignal;
  readonly batchSize?: number;
}

export interface RebuildOutcome {
  readonly build: number;
  /** `interrupted`: stopped by the signal; running the rebuild again resumes it. */
  readonly state: 'switched' | 'interrupted';
  readonly resumed: boolean;
  /** `$all` events this run read. */
  readonly eventsRead: number;
  readonly eventsHandled: number;
  readonly position: Position | null;
}

/** The rebuilt projection threw: its tables were dropped and the live ones kept serving. */
export class RebuildFailedError extends Error {
  constructor(readonly build: number, cause: unknown) {
    super(`rebuild ${build} failed, the live tables were kept: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
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

const BATCH = 1_000;

/**
 * Rebuilds a projection from the start of `$all` without downtime ("blue/green"): it fills a
 * build's own tables while the live ones keep serving, then, in one read-store transaction,
 * applies the last few events, renames the live tables away and its own into their place and
 * moves the live checkpoint to its position. A live runner notices the moved checkpoint and goes
 * on from there. Every batch commits with the build's checkpoint, so a killed rebuild resumes
 * where it stopped; a projection that throws fails the build and nothing is switched.
 */
export async function rebuildProjection(store: EventStore, db: ReadDatabase, projection: Projection, options: RebuildOptions = {}): Promise<RebuildOutcome> {
  const now = options.now ?? (() => new Date());
  await ensureLiveTables(db, projection, now());
  const { record, resumed } = await openBuild(db, projection, options.fresh ?? false, now());
  const build = new BuildRun(store, db, projection, record, resumed, options, now);
  try {
    return await build.run();
  } catch (error) {
    if (error instanceof CheckpointMovedError) throw new RebuildConflictError(projection.name);
    if (!(error instanceof ProjectionFailure)) throw error;
    await discardBuild(db, projection, record, 'failed', now(), error.message);
    throw new RebuildFailedError(record.build, error);
  }
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
  await db.deleteFrom(CHECKPOINTS_TABLE).where('name', '=', stagingCheckpoint(projection, record.build)).where('version', '=', projection.version).execute();
  await finishRebuild(db, { name: projection.name, version: projection.version, build: record.build }, state, at, error);
}

/** The build's own checkpoint row, beside the live one. */
export function stagingCheckpoint(projection: Pick<Projection, 'name'>, build: number): string {
  return `${projection.name}#build${build}`;
}

/** Resumes the build in progress (unless `fresh`, or it was started under other rules), or starts a new one. */
async function openBuild(db: ReadDatabase, projection: Projection, fresh: boolean, now: Date): Promise<{ record: RebuildRecord; resumed: boolean }> {
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
  await createProjectionTables(db, projection, names);
  await ensureCheckpointRow(db, stagingCheckpoint(projection, build), projection.version, now);
  return { record, resumed: false };
}

class BuildRun {
  private readonly staging: TableNames;
  private readonly checkpointName: string;
  private readonly batchSize: number;
  private position: Position | null = null;
  private handled = 0;
  private read = 0;
  private meter!: ProgressMeter;

  constructor(
    private readonly store: EventStore,
    private readonly db: ReadDatabase,
    private readonly projection: Projection,
    private readonly record: RebuildRecord,
    private readonly resumed: boolean,
    private readonly options: RebuildOptions,
    private readonly now: () => Date,
  ) {
    this.staging = stagingTableNames(projection, record.build);
    this.checkpointName = stagingCheckpoint(projection, record.build);
    this.batchSize = options.batchSize ?? BATCH;
  }

  async run(): Promise<RebuildOutcome> {
    const stored = await readCheckpoint(this.db, this.checkpointName, this.projection.version);
    this.position = stored?.position ?? null;
    this.handled = stored?.eventsHandled ?? 0;
    this.meter = new ProgressMeter(await firstPosition(this.store), await headPosition(this.store), this.position, () => Date.now());
    // Catch up until a pass over the log finds less than a batch: the rest goes into the switch.
    for (;;) {
      const read = await this.catchUp();
      if (read === 'interrupted') return this.outcome('interrupted');
      if (read < this.batchSize) break;
    }
    this.report('switching');
    await this.switchIn();
    this.report('switched');
    await dropProjectionTables(this.db, this.projection, retiredTableNames(this.projection, this.record.build));
    return this.outcome('switched');
  }

  /** Applies every event after the build's checkpoint in batches; how many it read. */
  private async catchUp(): Promise<number | 'interrupted'> {
    this.meter.extendTo(await headPosition(this.store));
    let pending: RecordedEvent[] = [];
    let read = 0;
    for await (const event of eventsAfter(this.store, this.position)) {
      pending.push(event);
      read++;
      if (pending.length < this.batchSize) continue;
      await this.applyBatch(pending);
      pending = [];
      if (this.options.signal?.aborted) return 'interrupted';
    }
    await this.applyBatch(pending);
    return read;
  }

  private async applyBatch(events: readonly RecordedEvent[]): Promise<void> {
    if (events.length === 0) return;
    const last = events[events.length - 1].position;
    let handled = this.handled;
    await this.db.transaction().execute(async (trx) => {
      await claimCheckpoint(trx, this.checkpointName, this.projection.version, this.position, this.now());
      handled += await applyEvents(trx, this.projection, this.staging, events);
      await writeCheckpoint(trx, this.checkpointName, this.projection.version, last, handled, this.now());
    });
    this.position = last;
    this.handled = handled;
    this.read += events.length;
    this.report('catching_up');
    await yieldToEventLoop();
  }

  /**
   * One transaction: lock the live checkpoint (a write, so SQLite's write lock and PostgreSQL's
   * row lock are taken before anything else), apply what was appended since the last pass, swap
   * the tables by renaming, and hand the position to the live checkpoint.
   */
  private async switchIn(): Promise<void> {
    const { name, version } = this.projection;
    const live = liveTableNames(this.projection);
    const retired = retiredTableNames(this.projection, this.record.build);
    let position = this.position;
    let handled = this.handled;
    let read = 0;
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable(CHECKPOINTS_TABLE).set({ updated_at: this.now().toISOString() }).where('name', '=', name).where('version', '=', version).execute();
      await claimCheckpoint(trx, this.checkpointName, version, this.position, this.now());
      const rest: RecordedEvent[] = [];
      for await (const event of eventsAfter(this.store, this.position)) rest.push(event);
      if (rest.length > 0) {
        handled += await applyEvents(trx, this.projection, this.staging, rest);
        position = rest[rest.length - 1].position;
        read = rest.length;
      }
      for (const table of this.projection.tables) {
        if (await tableExists(trx, live(table.name))) await renameTable(trx, live(table.name), retired(table.name));
        await renameTable(trx, this.staging(table.name), live(table.name));
      }
      if (position) await writeCheckpoint(trx, name, version, position, handled, this.now());
      else await trx.updateTable(CHECKPOINTS_TABLE).set({ position_commit: null, position_prepare: null, events_handled: 0, last_error: null }).where('name', '=', name).where('version', '=', version).execute();
      await trx.deleteFrom(CHECKPOINTS_TABLE).where('name', '=', this.checkpointName).where('version', '=', version).execute();
      await finishRebuild(trx, this.record, 'switched', this.now());
    });
    this.position = position;
    this.handled = handled;
    this.read += read;
  }

  private report(phase: RebuildProgress['phase']): void {
    this.options.onProgress?.({
      projection: this.projection.name,
      build: this.record.build,
      phase,
      eventsRead: this.read,
      eventsHandled: this.handled,
      resumed: this.resumed,
      ...this.meter.measure(this.position, this.read),
    });
  }

  private outcome(state: RebuildOutcome['state']): RebuildOutcome {
    return { build: this.record.build, state, resumed: this.resumed, eventsRead: this.read, eventsHandled: this.handled, position: this.position };
  }
}

/** `$all` after `position` (readAll is inclusive), or from the start. */
async function* eventsAfter(store: EventStore, position: Position | null): AsyncIterable<RecordedEvent> {
  for await (const event of store.readAll({ direction: 'forwards', fromPosition: position ?? 'start' })) {
    if (position && comparePositions(event.position, position) <= 0) continue;
    yield event;
  }
}

async function renameTable(db: ReadDatabase, from: string, to: string): Promise<void> {
  await sql`ALTER TABLE ${sql.table(from)} RENAME TO ${sql.table(to)}`.execute(db);
}
