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

export async function readCheckpoint(db: ReadDatabase, name: string, version: number): Promise<StoredCheckpoint | null> {
  const row = (await db
    .selectFrom(CHECKPOINTS_TABLE)
    .selectAll()
    .where('name', '=', name)
    .where('version', '=', version)
    .executeTakeFirst()) as CheckpointRow | undefined;
  if (!row) return null;
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

export async function recordFailure(db: ReadDatabase, name: string, version: number, error: string, now: Date): Promise<void> {
  await db
    .insertInto(CHECKPOINTS_TABLE)
    .values({ name, version, events_handled: 0, last_error: error, updated_at: now.toISOString() })
    .onConflict((conflict) => conflict.columns(['name', 'version']).doUpdateSet({ last_error: error, updated_at: now.toISOString() }))
    .execute();
}
