import type { Position } from '@helpdesk/event-store';
import { CHECKPOINTS_TABLE, ReadDatabase } from './read-model-schema.js';

export interface StoredCheckpoint {
  readonly position: Position | null;
  readonly eventsHandled: number;
  readonly lastError: string | null;
  readonly updatedAt: string;
}

interface CheckpointRow {
  position_commit: string | null;
  position_prepare: string | null;
  events_handled: number | string;
  last_error: string | null;
  updated_at: string;
}

export async function readCheckpoint(
  db: ReadDatabase,
  name: string,
  version: number,
): Promise<StoredCheckpoint | null> {
  const row = (await db
    .selectFrom(CHECKPOINTS_TABLE)
    .selectAll()
    .where('name', '=', name)
    .where('version', '=', version)
    .executeTakeFirst()) as CheckpointRow | undefined;
  return row ? toStoredCheckpoint(row) : null;
}

/**
 * Several checkpoints in one query (the read-your-writes wait reads every read model's at each
 * commit it hears of), in the order asked; null where a read model has none.
 */
export async function readCheckpoints(
  db: ReadDatabase,
  keys: readonly { readonly name: string; readonly version: number }[],
): Promise<(StoredCheckpoint | null)[]> {
  if (keys.length === 0) return [];
  const rows = (await db
    .selectFrom(CHECKPOINTS_TABLE)
    .selectAll()
    .where(
      'name',
      'in',
      keys.map((key) => key.name),
    )
    .execute()) as (CheckpointRow & { name: string; version: number | string })[];
  return keys.map(({ name, version }) => {
    const row = rows.find((candidate) => candidate.name === name && Number(candidate.version) === version);
    return row ? toStoredCheckpoint(row) : null;
  });
}

function toStoredCheckpoint(row: CheckpointRow): StoredCheckpoint {
  return {
    position:
      row.position_commit === null
        ? null
        : { commit: BigInt(row.position_commit), prepare: BigInt(row.position_prepare ?? row.position_commit) },
    eventsHandled: Number(row.events_handled),
    lastError: row.last_error,
    updatedAt: row.updated_at,
  };
}

/** Written inside the batch's transaction: rows and checkpoint commit together or not at all. */
export async function writeCheckpoint(
  db: ReadDatabase,
  name: string,
  version: number,
  position: Position,
  handled: number,
  now: Date,
): Promise<void> {
  const values = {
    name,
    version,
    position_commit: position.commit.toString(),
    position_prepare: position.prepare.toString(),
    events_handled: handled,
    last_error: null,
    updated_at: now.toISOString(),
  };
  await db
    .insertInto(CHECKPOINTS_TABLE)
    .values(values)
    .onConflict((conflict) =>
      conflict.columns(['name', 'version']).doUpdateSet({
        position_commit: values.position_commit,
        position_prepare: values.position_prepare,
        events_handled: handled,
        last_error: null,
        updated_at: values.updated_at,
      }),
    )
    .execute();
}

export async function recordFailure(
  db: ReadDatabase,
  name: string,
  version: number,
  error: string,
  now: Date,
): Promise<void> {
  await db
    .insertInto(CHECKPOINTS_TABLE)
    .values({ name, version, events_handled: 0, last_error: error, updated_at: now.toISOString() })
    .onConflict((conflict) =>
      conflict.columns(['name', 'version']).doUpdateSet({ last_error: error, updated_at: now.toISOString() }),
    )
    .execute();
}

/** Another writer moved the checkpoint (a rebuild switched in, or a second runner): reload from it. */
export class CheckpointMovedError extends Error {
  constructor(name: string) {
    super(`the checkpoint of ${name} was moved by another writer`);
    this.name = 'CheckpointMovedError';
  }
}

/** Gives a run a checkpoint row to claim before its first batch ("never ran": no position). */
export async function ensureCheckpointRow(db: ReadDatabase, name: string, version: number, now: Date): Promise<void> {
  await db
    .insertInto(CHECKPOINTS_TABLE)
    .values({ name, version, events_handled: 0, updated_at: now.toISOString() })
    .onConflict((conflict) => conflict.columns(['name', 'version']).doNothing())
    .execute();
}

/**
 * The first statement of every batch's transaction: succeeds only if the checkpoint is still where
 * this writer left it. Being a write, it also takes SQLite's write lock before anything is read,
 * and PostgreSQL's row lock, so a batch and a rebuild's switch never interleave. `expectedUpdatedAt`
 * (what this writer last wrote there) also catches a switch that left the position where it was:
 * the tables changed under the writer's cached documents all the same.
 */
export async function claimCheckpoint(
  db: ReadDatabase,
  name: string,
  version: number,
  expected: Position | null,
  now: Date,
  expectedUpdatedAt?: string,
): Promise<void> {
  let update = db
    .updateTable(CHECKPOINTS_TABLE)
    .set({ updated_at: now.toISOString() })
    .where('name', '=', name)
    .where('version', '=', version);
  if (expectedUpdatedAt !== undefined) update = update.where('updated_at', '=', expectedUpdatedAt);
  update =
    expected === null
      ? update.where('position_commit', 'is', null)
      : update
          .where('position_commit', '=', expected.commit.toString())
          .where('position_prepare', '=', expected.prepare.toString());
  const result = await update.executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new CheckpointMovedError(name);
}
