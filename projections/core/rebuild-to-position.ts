import { type EventStore, type Position, type RecordedEvent, comparePositions } from '@helpdesk/event-store';
import { ReadStore } from '@helpdesk/read-store';
import { type StoredCheckpoint, writeCheckpoint } from './checkpoints.js';
import { readCheckpointOrNull } from './projection-status.js';
import { ProjectionWriter, applyEvents, yieldToEventLoop } from './apply-events.js';
import { type DriftReport, type ReadModelSnapshot, compareReadModels, snapshotReadModel } from './drift-check.js';
import { type Projection, liveTableNames } from './projection.js';
import { type ReadDatabase, ensureProjectionTables } from './read-model-schema.js';

export interface RebuildResult {
  /** The last event applied (or read past), `null` when nothing was read. */
  readonly position: Position | null;
  readonly eventsHandled: number;
}

const BATCH = 5_000;
/** Documents kept between batches, per table: a replay's working set, not the whole read model. */
const CACHE_DOCUMENTS = 10_000;

/**
 * Replays `$all` from the start through `until` (inclusive) into `db` — never past it — in
 * batches, each committed with its checkpoint like the runner does. `until === null` applies
 * nothing. The projection's `project` does the work, through `applyEvents`, so the result is
 * what the runner would have produced at that position.
 */
export async function rebuildToPosition(
  store: EventStore,
  db: ReadDatabase,
  projection: Projection,
  until: Position | null,
  now: () => Date = () => new Date(),
): Promise<RebuildResult> {
  await ensureProjectionTables(db, projection);
  if (until === null) return { position: null, eventsHandled: 0 };
  const writer = await ProjectionWriter.open(db, projection, liveTableNames(projection), CACHE_DOCUMENTS);
  let position: Position | null = null;
  let handled = 0;
  let pending: RecordedEvent[] = [];

  const apply = async (): Promise<void> => {
    if (pending.length === 0) return;
    const events = pending;
    pending = [];
    const last = events[events.length - 1].position;
    let count = handled;
    await writer.transaction(db, async (trx) => {
      count += await applyEvents(trx, writer, events);
      await writeCheckpoint(trx, projection.name, projection.version, last, count, now());
    });
    position = last;
    handled = count;
    await yieldToEventLoop();
  };

  const decodeOnly = new Set<string>(projection.eventTypes);
  for await (const event of store.readAll({ direction: 'forwards', fromPosition: 'start', decodeOnly })) {
    if (comparePositions(event.position, until) > 0) break;
    pending.push(event);
    if (pending.length >= BATCH) await apply();
  }
  await apply();
  return { position, eventsHandled: handled };
}

export interface DriftCheckResult {
  readonly projection: Pick<Projection, 'name' | 'version'>;
  /** The stored checkpoint the comparison was made at (`null`: the projection never ran). */
  readonly checkpoint: StoredCheckpoint | null;
  readonly rebuilt: RebuildResult;
  readonly report: DriftReport;
}

/**
 * Rebuilds `projection` in an in-memory SQLite read store up to the stored checkpoint, and
 * compares every table with the stored one. The stored tables are read between two reads of the
 * checkpoint: since every batch commits its rows with the checkpoint, an unchanged checkpoint
 * means the rows read belong to it. A live projection that keeps moving is retried a few times.
 */
export async function checkProjectionDrift(
  store: EventStore,
  liveDb: ReadDatabase,
  projection: Projection,
  attempts = 5,
): Promise<DriftCheckResult> {
  for (let attempt = 1; ; attempt++) {
    const checkpoint = await readCheckpointOrNull(liveDb, projection);
    const stored = await snapshotReadModel(liveDb, projection);
    const after = await readCheckpointOrNull(liveDb, projection);
    if (!samePosition(checkpoint?.position ?? null, after?.position ?? null)) {
      if (attempt >= attempts)
        throw new Error(`Projection ${projection.name} kept moving while it was read; try again`);
      continue;
    }
    const memory = ReadStore.open({ dialect: 'sqlite', file: ':memory:' });
    try {
      const rebuilt = await rebuildToPosition(
        store,
        memory.db as ReadDatabase,
        projection,
        checkpoint?.position ?? null,
      );
      const expected: ReadModelSnapshot = await snapshotReadModel(memory.db as ReadDatabase, projection);
      return {
        projection: { name: projection.name, version: projection.version },
        checkpoint,
        rebuilt,
        report: compareReadModels(expected, stored),
      };
    } finally {
      await memory.close();
    }
  }
}

function samePosition(a: Position | null, b: Position | null): boolean {
  return a === null || b === null ? a === b : comparePositions(a, b) === 0;
}
