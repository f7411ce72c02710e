import { ensureCheckpointRow } from './checkpoints.js';
import { Projection, liveTableNames } from './projection.js';
import { createProjectionTables, ensureCheckpointsTable, tableExists } from './read-model-schema.js';
import { ensureRebuildsTable, insertRebuild, listRebuilds, liveBuild } from './rebuild-registry.js';
import type { ReadDatabase } from './read-model-schema.js';

/**
 * Makes sure the projection's live tables, checkpoint row and registry entries exist. Tables the
 * runner creates itself are recorded as build 0, under the rules of the code creating them; tables
 * found without a record (made before rebuilds were recorded) are recorded with unknown rules.
 */
export async function ensureLiveTables(db: ReadDatabase, projection: Projection, now: Date): Promise<void> {
  await ensureCheckpointsTable(db);
  await ensureRebuildsTable(db);
  const names = liveTableNames(projection);
  const existed = await tableExists(db, names(projection.tables[0].name));
  await createProjectionTables(db, projection, names);
  await ensureCheckpointRow(db, projection.name, projection.version, now);
  if (liveBuild(await listRebuilds(db, projection)) !== null) return;
  await insertRebuild(db, {
    name: projection.name,
    version: projection.version,
    build: 0,
    state: 'switched',
    rulesVersion: existed ? null : (projection.rulesVersion ?? null),
    startedAt: now.toISOString(),
    finishedAt: now.toISOString(),
    error: null,
  });
}
