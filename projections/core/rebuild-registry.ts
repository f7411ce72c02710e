import type { Projection } from './projection.js';
import type { ReadDatabase } from './read-model-schema.js';

/** Every rebuild of every projection: the one in progress is resumed, the switched ones say what the live tables were built under. */
export const REBUILDS_TABLE = 'projection_rebuilds';

/**
 * building: filling its own tables; failed: the projection threw, the live tables were kept;
 * switched: its tables became the live ones; abandoned: discarded by the operator.
 * Build 0 is the live tables the runner created itself.
 */
export type RebuildState = 'building' | 'failed' | 'switched' | 'abandoned';

export interface RebuildRecord {
  readonly name: string;
  readonly version: number;
  readonly build: number;
  readonly state: RebuildState;
  readonly rulesVersion: string | null;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly error: string | null;
}

interface RebuildRow {
  name: string;
  version: number | string;
  build: number | string;
  state: RebuildState;
  rules_version: string | null;
  started_at: string;
  finished_at: string | null;
  error: string | null;
}

export async function ensureRebuildsTable(db: ReadDatabase): Promise<void> {
  await db.schema
    .createTable(REBUILDS_TABLE)
    .ifNotExists()
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('version', 'integer', (column) => column.notNull())
    .addColumn('build', 'integer', (column) => column.notNull())
    .addColumn('state', 'text', (column) => column.notNull())
    .addColumn('rules_version', 'text')
    .addColumn('started_at', 'text', (column) => column.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('error', 'text')
    .addPrimaryKeyConstraint('projection_rebuilds_pk', ['name', 'version', 'build'])
    .execute();
}

export async function listRebuilds(
  db: ReadDatabase,
  projection: Pick<Projection, 'name' | 'version'>,
): Promise<RebuildRecord[]> {
  const rows = (await db
    .selectFrom(REBUILDS_TABLE)
    .selectAll()
    .where('name', '=', projection.name)
    .where('version', '=', projection.version)
    .orderBy('build')
    .execute()) as RebuildRow[];
  return rows.map(recordOf);
}

/** The rules the live tables were built under: those of the last build switched in. */
export function liveBuild(rebuilds: readonly RebuildRecord[]): RebuildRecord | null {
  return rebuilds.filter((rebuild) => rebuild.state === 'switched').at(-1) ?? null;
}

/** Inserts a registry row; with `ifAbsent` an existing row for the same build is kept, otherwise the insert fails. */
export async function insertRebuild(db: ReadDatabase, record: RebuildRecord, ifAbsent = true): Promise<void> {
  const insert = db.insertInto(REBUILDS_TABLE).values({
    name: record.name,
    version: record.version,
    build: record.build,
    state: record.state,
    rules_version: record.rulesVersion,
    started_at: record.startedAt,
    finished_at: record.finishedAt,
    error: record.error,
  });
  if (!ifAbsent) return void (await insert.execute());
  await insert.onConflict((conflict) => conflict.columns(['name', 'version', 'build']).doNothing()).execute();
}

export async function finishRebuild(
  db: ReadDatabase,
  record: Pick<RebuildRecord, 'name' | 'version' | 'build'>,
  state: Exclude<RebuildState, 'building'>,
  finishedAt: Date,
  error: string | null = null,
): Promise<void> {
  await db
    .updateTable(REBUILDS_TABLE)
    .set({ state, finished_at: finishedAt.toISOString(), error })
    .where('name', '=', record.name)
    .where('version', '=', record.version)
    .where('build', '=', record.build)
    .execute();
}

function recordOf(row: RebuildRow): RebuildRecord {
  return {
    name: row.name,
    version: Number(row.version),
    build: Number(row.build),
    state: row.state,
    rulesVersion: row.rules_version,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: row.error,
  };
}
