import { Kysely, PostgresAdapter, sql } from 'kysely';
import { Projection, TableNames, TableSpec, liveTableNames } from './projection.js';

/** Checkpoints live in the read store, written in the same transaction as the rows they cover. */
export const CHECKPOINTS_TABLE = 'projection_checkpoints';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ReadDatabase = Kysely<any>;

export async function ensureCheckpointsTable(db: ReadDatabase): Promise<void> {
  await db.schema
    .createTable(CHECKPOINTS_TABLE)
    .ifNotExists()
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('version', 'integer', (column) => column.notNull())
    .addColumn('position_commit', 'text')
    .addColumn('position_prepare', 'text')
    .addColumn('events_handled', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .addPrimaryKeyConstraint('projection_checkpoints_pk', ['name', 'version'])
    .execute();
}

/** The projection's live tables, created with their indexes the first time. */
export async function ensureProjectionTables(db: ReadDatabase, projection: Projection): Promise<void> {
  await ensureCheckpointsTable(db);
  await createProjectionTables(db, projection, liveTableNames(projection));
}

/**
 * Creates the tables that do not exist yet, indexes included unless `withIndexes` is false (a
 * rebuild fills its tables first and indexes them once, before the switch: one sort instead of
 * an index update per row). Indexes are named after the table they were created for and keep
 * that name when a rebuild's table is renamed into place, so an existing table is never given its
 * indexes a second time.
 */
export async function createProjectionTables(
  db: ReadDatabase,
  projection: Projection,
  names: TableNames,
  withIndexes = true,
): Promise<void> {
  for (const table of projection.tables) {
    const name = names(table.name);
    if (await tableExists(db, name)) continue;
    let create = db.schema
      .createTable(name)
      .ifNotExists()
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('document', 'text', (column) => column.notNull());
    for (const [column, type] of Object.entries(table.columns)) create = create.addColumn(column, type);
    await create.execute();
    if (withIndexes) await createTableIndexes(db, table, name);
  }
}

/** The query indexes of tables created without them; those already there are kept. */
export async function createProjectionIndexes(
  db: ReadDatabase,
  projection: Projection,
  names: TableNames,
): Promise<void> {
  for (const table of projection.tables) await createTableIndexes(db, table, names(table.name));
}

async function createTableIndexes(db: ReadDatabase, table: TableSpec, name: string): Promise<void> {
  for (const [ordinal, columns] of table.indexes.entries()) {
    await db.schema
      .createIndex(`${name}_ix${ordinal}`)
      .ifNotExists()
      .on(name)
      .columns([...columns])
      .execute();
  }
}

export async function dropProjectionTables(db: ReadDatabase, projection: Projection, names: TableNames): Promise<void> {
  for (const table of projection.tables) await sql`DROP TABLE IF EXISTS ${sql.table(names(table.name))}`.execute(db);
}

export function isPostgres(db: ReadDatabase): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** Asked of the catalogue rather than by catching an error, which would abort a PostgreSQL transaction. */
export async function tableExists(db: ReadDatabase, name: string): Promise<boolean> {
  if (isPostgres(db)) {
    const result = await sql<{ found: boolean }>`SELECT to_regclass(${name}) IS NOT NULL AS found`.execute(db);
    return Boolean(result.rows[0]?.found);
  }
  const result = await sql<{
    name: string;
  }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name = ${name}`.execute(db);
  return result.rows.length > 0;
}
