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
    if (await tableExists(db, name)) {
      // Tables made before their text indexes were declared get them (filled from their rows) once.
      if (withIndexes) await createTextIndexes(db, table, name);
      continue;
    }
    // A text index left without its table (dropped by hand, or a crash between the two drops) holds others' rowids.
    await dropTextIndexes(db, table, name);
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
  await createTextIndexes(db, table, name);
}

/**
 * Where the text index of `column` lives: on SQLite an FTS5 table of its own, on PostgreSQL an
 * index of the table; either is renamed with its table (renameProjectionTable), so a table that
 * exists is known to have its text index when one of that name does.
 */
export function textIndexName(table: string, column: string): string {
  return `${table}_tx_${column}`;
}

/**
 * SQLite: a contentless FTS5 `trigram` table whose rowids are the table's, filled from the rows
 * already there and kept in step by triggers in the writer's own transaction (upserts, deletes,
 * renames: SQLite rewrites the triggers when either table is renamed). PostgreSQL: a GIN
 * `gin_trgm_ops` index, when the pg_trgm extension is there or can be created (else a warning:
 * searches then read the rows instead).
 */
async function createTextIndexes(db: ReadDatabase, table: TableSpec, name: string): Promise<void> {
  const columns = table.textIndexes ?? [];
  if (columns.length === 0) return;
  if (isPostgres(db)) {
    const schema = await trigramSchema(db);
    if (schema === null) return;
    for (const column of columns) {
      await sql`CREATE INDEX IF NOT EXISTS ${sql.id(textIndexName(name, column))} ON ${sql.table(name)} USING gin (${sql.id(column)} ${sql.id(schema)}.gin_trgm_ops)`.execute(
        db,
      );
    }
    return;
  }
  for (const column of columns) {
    const fts = textIndexName(name, column);
    if (await tableExists(db, fts)) continue;
    const create = async (trx: ReadDatabase) => {
      const [base, index, col] = [sql.table(name), sql.table(fts), sql.id(column)];
      const trigger = (event: string) => sql.id(`${fts}_${event}`);
      await sql`CREATE VIRTUAL TABLE ${index} USING fts5(${col}, tokenize = 'trigram', content = '', contentless_delete = 1)`.execute(
        trx,
      );
      await sql`INSERT INTO ${index} (rowid, ${col}) SELECT rowid, ${col} FROM ${base} WHERE ${col} IS NOT NULL`.execute(
        trx,
      );
      // One segment instead of the many a bulk fill leaves: each query looks a trigram up in every segment.
      await sql`INSERT INTO ${index} (${index}) VALUES ('optimize')`.execute(trx);
      await sql`CREATE TRIGGER ${trigger('insert')} AFTER INSERT ON ${base} WHEN new.${col} IS NOT NULL BEGIN
        INSERT INTO ${index} (rowid, ${col}) VALUES (new.rowid, new.${col}); END`.execute(trx);
      await sql`CREATE TRIGGER ${trigger('update')} AFTER UPDATE OF ${col} ON ${base} BEGIN
        DELETE FROM ${index} WHERE rowid = old.rowid;
        INSERT INTO ${index} (rowid, ${col}) SELECT new.rowid, new.${col} WHERE new.${col} IS NOT NULL; END`.execute(
        trx,
      );
      await sql`CREATE TRIGGER ${trigger('delete')} AFTER DELETE ON ${base} BEGIN
        DELETE FROM ${index} WHERE rowid = old.rowid; END`.execute(trx);
    };
    // Filled and hooked up together: a crash in between must not leave an index that misses rows.
    if (db.isTransaction) await create(db);
    else await db.transaction().execute(create);
  }
}

let warnedNoTrigram = false;

/**
 * The schema pg_trgm is installed in, creating the extension (a trusted one since PostgreSQL 13:
 * the database's owner may) when it is available; null, with a warning, when it cannot be had.
 */
async function trigramSchema(db: ReadDatabase): Promise<string | null> {
  const installed = async () =>
    (
      await sql<{
        schema: string;
      }>`SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'`.execute(
        db,
      )
    ).rows[0]?.schema ?? null;
  const schema = await installed();
  if (schema !== null) return schema;
  let reason = 'it is not available on this server (the postgresql-contrib package provides it)';
  const available = await sql`SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'`.execute(db);
  if (available.rows.length > 0) {
    // A failed statement would abort the caller's transaction: only tried outside one.
    if (db.isTransaction) reason = 'it is not installed and cannot be created inside a transaction';
    else {
      try {
        await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`.execute(db);
        const created = await installed();
        if (created !== null) return created;
      } catch (error) {
        reason = `CREATE EXTENSION pg_trgm failed: ${(error as Error).message}`;
      }
    }
  }
  if (!warnedNoTrigram) {
    warnedNoTrigram = true;
    console.warn(
      `Search has no trigram index on PostgreSQL: the pg_trgm extension is missing and ${reason}. ` +
        'Searches still work, reading the rows; run CREATE EXTENSION pg_trgm as a superuser, then restart, to index them.',
    );
  }
  return null;
}

/** Renames a table with its text indexes (SQLite's FTS5 tables, PostgreSQL's GIN indexes, both named after their table). */
export async function renameProjectionTable(
  db: ReadDatabase,
  table: TableSpec,
  from: string,
  to: string,
): Promise<void> {
  await sql`ALTER TABLE ${sql.table(from)} RENAME TO ${sql.table(to)}`.execute(db);
  // `to` did not exist (the rename above would have failed): a text index of that name is a leftover.
  await dropTextIndexes(db, table, to);
  if (isPostgres(db)) {
    // Named after the table it serves, so the next start finds it instead of adding a second one.
    for (const column of table.textIndexes ?? [])
      await sql`ALTER INDEX IF EXISTS ${sql.id(textIndexName(from, column))} RENAME TO ${sql.id(textIndexName(to, column))}`.execute(
        db,
      );
    return;
  }
  for (const column of table.textIndexes ?? []) {
    if (await tableExists(db, textIndexName(from, column)))
      await sql`ALTER TABLE ${sql.table(textIndexName(from, column))} RENAME TO ${sql.table(textIndexName(to, column))}`.execute(
        db,
      );
  }
}

export async function dropProjectionTables(db: ReadDatabase, projection: Projection, names: TableNames): Promise<void> {
  for (const table of projection.tables) {
    const name = names(table.name);
    // The table first: its triggers go with it, so nothing writes to a text index being dropped.
    await sql`DROP TABLE IF EXISTS ${sql.table(name)}`.execute(db);
    await dropTextIndexes(db, table, name);
  }
}

/** SQLite's FTS5 tables of a table's text indexes (PostgreSQL's indexes go with their table). */
async function dropTextIndexes(db: ReadDatabase, table: TableSpec, name: string): Promise<void> {
  if (isPostgres(db)) return;
  for (const column of table.textIndexes ?? [])
    await sql`DROP TABLE IF EXISTS ${sql.table(textIndexName(name, column))}`.execute(db);
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
