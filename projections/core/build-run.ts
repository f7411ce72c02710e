import type { EventStore, Position, RecordedEvent } from '@helpdesk/event-store';
import { comparePositions, firstPosition, headPosition } from '@helpdesk/event-store';
import { ProjectionWriter, applyEvents, yieldToEventLoop } from './apply-events.js';
import { claimCheckpoint, readCheckpoint, writeCheckpoint } from './checkpoints.js';
import {
  type Projection,
  type TableNames,
  liveTableNames,
  retiredTableNames,
  stagingTableNames,
} from './projection.js';
import {
  CHECKPOINTS_TABLE,
  type ReadDatabase,
  createProjectionIndexes,
  dropProjectionTables,
  renameProjectionTable,
  tableExists,
} from './read-model-schema.js';
import { ProgressMeter, type RebuildProgress } from './rebuild-progress.js';
import { type RebuildRecord, finishRebuild } from './rebuild-registry.js';

/**
 * Documents a build keeps between its batches, per table. A rebuild writes each document many times over
 * (a message's statuses, a ticket's every event); kept parsed, they are not read back. Sized for
 * the recent conversations' documents, not the whole read model.
 */
const BUILD_CACHE_DOCUMENTS = 10_000;

export interface BuildOutcome {
  readonly build: number;
  /** `interrupted`: stopped by the signal; running the rebuild again resumes it. */
  readonly state: 'switched' | 'interrupted';
  readonly resumed: boolean;
  /** `$all` events this run applied to the build (a resumed run counts from where it resumed). */
  readonly eventsRead: number;
  readonly eventsHandled: number;
  readonly position: Position | null;
}

/** The build's own checkpoint row, beside the live one. */
export function stagingCheckpoint(projection: Pick<Projection, 'name'>, build: number): string {
  return `${projection.name}#build${build}`;
}

/**
 * One projection's build: fills its staging tables batch by batch, each batch committed with the
 * build's own checkpoint, then switches them in. The batches come from whoever reads `$all`
 * (see blue-green-rebuild.ts), possibly shared with other builds: events at or before the build's
 * checkpoint are skipped, so builds resumed from different places can share one read.
 */
export class BuildRun {
  private readonly staging: TableNames;
  private readonly checkpointName: string;
  private position: Position | null = null;
  private handled = 0;
  private read = 0;
  private meter!: ProgressMeter;
  private writer!: ProjectionWriter;

  constructor(
    private readonly store: EventStore,
    private readonly db: ReadDatabase,
    readonly projection: Projection,
    readonly record: RebuildRecord,
    private readonly resumed: boolean,
    private readonly now: () => Date,
    private readonly onProgress?: (progress: RebuildProgress) => void,
  ) {
    this.staging = stagingTableNames(projection, record.build);
    this.checkpointName = stagingCheckpoint(projection, record.build);
  }

  /** Where the build stands: `null` before its first batch. */
  get at(): Position | null {
    return this.position;
  }

  async open(): Promise<void> {
    const stored = await readCheckpoint(this.db, this.checkpointName, this.projection.version);
    this.position = stored?.position ?? null;
    this.handled = stored?.eventsHandled ?? 0;
    this.meter = new ProgressMeter(await firstPosition(this.store), await headPosition(this.store), this.position, () =>
      Date.now(),
    );
    this.writer = await ProjectionWriter.open(this.db, this.projection, this.staging, BUILD_CACHE_DOCUMENTS);
  }

  /** Another pass over the log begins: measure against its new end. */
  extendTo(head: Position | null): void {
    this.meter.extendTo(head);
  }

  /** Applies the events of a shared batch that come after the build's checkpoint, committed with it. */
  async applyBatch(batch: readonly RecordedEvent[]): Promise<void> {
    const events = this.after(batch);
    if (events.length === 0) return;
    const last = events[events.length - 1].position;
    let handled = this.handled;
    await this.writer.transaction(this.db, async (trx) => {
      await claimCheckpoint(trx, this.checkpointName, this.projection.version, this.position, this.now());
      handled += await applyEvents(trx, this.writer, events);
      await writeCheckpoint(trx, this.checkpointName, this.projection.version, last, handled, this.now());
    });
    this.position = last;
    this.handled = handled;
    this.read += events.length;
    this.report('catching_up');
    await yieldToEventLoop();
  }

  /**
   * Indexes the filled tables, then in one transaction: lock the live checkpoint (a write, so SQLite's write lock and PostgreSQL's
   * row lock are taken before anything else), apply what was appended since the last pass, swap
   * the tables by renaming, and hand the position to the live checkpoint. Then drops the retired tables.
   */
  async switchIn(): Promise<BuildOutcome> {
    this.report('switching');
    // Outside the switch's transaction, which then stays short: the live tables are locked during it.
    await createProjectionIndexes(this.db, this.projection, this.staging);
    const { name, version } = this.projection;
    const live = liveTableNames(this.projection);
    const retired = retiredTableNames(this.projection, this.record.build);
    let position = this.position;
    let handled = this.handled;
    let read = 0;
    await this.writer.transaction(this.db, async (trx) => {
      await trx
        .updateTable(CHECKPOINTS_TABLE)
        .set({ updated_at: this.now().toISOString() })
        .where('name', '=', name)
        .where('version', '=', version)
        .execute();
      await claimCheckpoint(trx, this.checkpointName, version, this.position, this.now());
      const rest: RecordedEvent[] = [];
      for await (const event of eventsAfter(this.store, this.position, [this.projection])) rest.push(event);
      if (rest.length > 0) {
        handled += await applyEvents(trx, this.writer, rest);
        position = rest[rest.length - 1].position;
        read = rest.length;
      }
      for (const table of this.projection.tables) {
        if (await tableExists(trx, live(table.name)))
          await renameProjectionTable(trx, table, live(table.name), retired(table.name));
        await renameProjectionTable(trx, table, this.staging(table.name), live(table.name));
      }
      if (position) await writeCheckpoint(trx, name, version, position, handled, this.now());
      else
        await trx
          .updateTable(CHECKPOINTS_TABLE)
          .set({ position_commit: null, position_prepare: null, events_handled: 0, last_error: null })
          .where('name', '=', name)
          .where('version', '=', version)
          .execute();
      await trx
        .deleteFrom(CHECKPOINTS_TABLE)
        .where('name', '=', this.checkpointName)
        .where('version', '=', version)
        .execute();
      await finishRebuild(trx, this.record, 'switched', this.now());
    });
    this.position = position;
    this.handled = handled;
    this.read += read;
    this.report('switched');
    await dropProjectionTables(this.db, this.projection, retired);
    return this.outcome('switched');
  }

  outcome(state: BuildOutcome['state']): BuildOutcome {
    return {
      build: this.record.build,
      state,
      resumed: this.resumed,
      eventsRead: this.read,
      eventsHandled: this.handled,
      position: this.position,
    };
  }

  private after(batch: readonly RecordedEvent[]): readonly RecordedEvent[] {
    const position = this.position;
    if (position === null || batch.length === 0 || comparePositions(batch[0].position, position) > 0) return batch;
    return batch.filter((event) => comparePositions(event.position, position) > 0);
  }

  private report(phase: RebuildProgress['phase']): void {
    this.onProgress?.({
      projection: this.projection.name,
      build: this.record.build,
      phase,
      eventsRead: this.read,
      eventsHandled: this.handled,
      resumed: this.resumed,
      ...this.meter.measure(this.position, this.read),
    });
  }
}

/**
 * `$all` after `position` (readAll is inclusive), or from the start. Only the events of the
 * projections' types are decoded: the others pass by for their positions.
 */
export async function* eventsAfter(
  store: EventStore,
  position: Position | null,
  projections: readonly Pick<Projection, 'eventTypes'>[],
): AsyncIterable<RecordedEvent> {
  const decodeOnly = new Set(projections.flatMap((projection) => projection.eventTypes));
  for await (const event of store.readAll({ direction: 'forwards', fromPosition: position ?? 'start', decodeOnly })) {
    if (position && comparePositions(event.position, position) <= 0) continue;
    yield event;
  }
}
