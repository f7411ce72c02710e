import { sql } from 'kysely';
import { type EventStore, type Position, type RecordedEvent, comparePositions, lastEvent } from '@helpdesk/event-store';
import { readCheckpoint } from './checkpoints.js';
import { isMissingTable } from './drift-check.js';
import { Projection, physicalTableName } from './projection.js';
import type { ReadDatabase } from './read-model-schema.js';
import { type RebuildRecord, listRebuilds, liveBuild } from './rebuild-registry.js';

/** Counting the lag stops here: beyond it the exact number does not change what an operator does. */
export const LAG_COUNT_CAP = 1_000_000;

export interface StoredProjectionStatus {
  readonly name: string;
  readonly version: number;
  /** `null`: the projection never committed a batch. */
  readonly position: Position | null;
  readonly eventsHandled: number;
  /** `$all` events after the checkpoint, at most `lagCap`. */
  readonly lagEvents: number;
  /** `lagEvents` reached the cap: the real lag is at least that. */
  readonly lagCapped: boolean;
  /**
   * Created time of the newest event minus that of the event at the checkpoint (of the first
   * event when there is no checkpoint); `0` when caught up, `null` when it cannot be told.
   */
  readonly lagSeconds: number | null;
  readonly lastError: string | null;
  readonly updatedAt: string | null;
  /** Rows per logical table; `null` when the table does not exist yet. */
  readonly rows: Readonly<Record<string, number | null>>;
  /** The rules the live tables were built under (`null`: unknown or rule-free). */
  readonly rulesVersion: string | null;
  /** The rules the running code projects under. */
  readonly currentRulesVersion: string | null;
  /** Built under other rules than the code's: a rebuild recomputes it. */
  readonly stale: boolean;
  /** The latest rebuild when it did not switch in (in progress, failed or abandoned). */
  readonly pendingRebuild: Pick<RebuildRecord, 'build' | 'state' | 'startedAt' | 'error'> | null;
}

/** What the read store's checkpoints and tables say about each projection, and how far behind `$all` it is. */
export async function readProjectionStatuses(
  store: EventStore,
  db: ReadDatabase,
  projections: readonly Projection[],
  lagCap = LAG_COUNT_CAP,
): Promise<StoredProjectionStatus[]> {
  const newest = await lastEvent(store);
  const statuses: StoredProjectionStatus[] = [];
  for (const projection of projections) statuses.push(await statusOf(store, db, projection, newest, lagCap));
  return statuses;
}

async function statusOf(
  store: EventStore,
  db: ReadDatabase,
  projection: Projection,
  newest: RecordedEvent | null,
  lagCap: number,
): Promise<StoredProjectionStatus> {
  const checkpoint = await readCheckpointOrNull(db, projection);
  const position = checkpoint?.position ?? null;
  const lag = await countAfter(store, position, lagCap);
  let lagSeconds: number | null = null;
  if (lag.count === 0) lagSeconds = 0;
  else if (newest && lag.reference)
    lagSeconds = Math.max(0, (newest.created.getTime() - lag.reference.created.getTime()) / 1000);
  return {
    name: projection.name,
    version: projection.version,
    position,
    eventsHandled: checkpoint?.eventsHandled ?? 0,
    lagEvents: lag.count,
    lagCapped: lag.capped,
    lagSeconds,
    lastError: checkpoint?.lastError ?? null,
    updatedAt: checkpoint?.updatedAt ?? null,
    rows: await rowCounts(db, projection),
    ...(await rulesAndRebuilds(db, projection)),
  };
}

async function rulesAndRebuilds(db: ReadDatabase, projection: Projection) {
  let rebuilds: RebuildRecord[] = [];
  try {
    rebuilds = await listRebuilds(db, projection);
  } catch (error) {
    if (!isMissingTable(error)) throw error;
  }
  const rulesVersion = liveBuild(rebuilds)?.rulesVersion ?? null;
  const currentRulesVersion = projection.rulesVersion ?? null;
  const latest = rebuilds.at(-1);
  const pendingRebuild =
    latest && latest.state !== 'switched'
      ? { build: latest.build, state: latest.state, startedAt: latest.startedAt, error: latest.error }
      : null;
  return {
    rulesVersion,
    currentRulesVersion,
    stale: currentRulesVersion !== null && rulesVersion !== currentRulesVersion,
    pendingRebuild,
  };
}

/** A read store the projection never ran on has no checkpoints table yet: that is "never ran". */
export async function readCheckpointOrNull(db: ReadDatabase, projection: Projection) {
  try {
    return await readCheckpoint(db, projection.name, projection.version);
  } catch (error) {
    if (isMissingTable(error)) return null;
    throw error;
  }
}

/**
 * Counts `$all` events after `position` (exclusive), up to `cap`. `reference` is the event at the
 * checkpoint (readAll is inclusive), or the first event when there is no checkpoint.
 */
async function countAfter(
  store: EventStore,
  position: Position | null,
  cap: number,
): Promise<{ count: number; capped: boolean; reference: RecordedEvent | null }> {
  let count = 0;
  let reference: RecordedEvent | null = null;
  for await (const event of store.readAll({ direction: 'forwards', fromPosition: position ?? 'start' })) {
    if (position && comparePositions(event.position, position) <= 0) {
      reference = event;
      continue;
    }
    reference ??= event;
    if (count >= cap) return { count, capped: true, reference };
    count++;
  }
  return { count, capped: false, reference };
}

async function rowCounts(db: ReadDatabase, projection: Projection): Promise<Record<string, number | null>> {
  const rows: Record<string, number | null> = {};
  for (const table of projection.tables) {
    try {
      const result = await sql<{
        count: number | string;
      }>`SELECT COUNT(*) AS count FROM ${sql.table(physicalTableName(projection, table.name))}`.execute(db);
      rows[table.name] = Number(result.rows[0]?.count ?? 0);
    } catch (error) {
      if (!isMissingTable(error)) throw error;
      rows[table.name] = null;
    }
  }
  return rows;
}

/** `12.5s`, `3m 20s`, `2h 5m`, `1d 3h`. */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)}s`;
  const whole = Math.round(seconds);
  if (whole < 3_600) return `${Math.floor(whole / 60)}m ${whole % 60}s`;
  if (whole < 86_400) return `${Math.floor(whole / 3_600)}h ${Math.floor((whole % 3_600) / 60)}m`;
  return `${Math.floor(whole / 86_400)}d ${Math.floor((whole % 86_400) / 3_600)}h`;
}
