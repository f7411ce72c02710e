import { Kysely, sql } from 'kysely';
import { Projection, physicalTableName } from './projection.js';

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

export async function ensureProjectionTables(db: ReadDatabase, projection: Projection): Promise<void> {
  await ensureCheckpointsTable(db);
  for (const table of projection.tables) {
    const name = physicalTableName(projection, table.name);
    let create = db.schema
      .createTable(name)
      .ifNotExists()
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('document', 'text', (column) => column.notNull());
    for (const [column, type] of Object.entries(table.columns)) create = create.addColumn(column, type);
    await create.execute();
    for (const columns of table.indexes) {
      await db.schema
        .createIndex(`${name}_${columns.join('_')}`)
        .ifNotExists()
        .on(name)
        .columns([...columns])
        .execute();
    }
  }
}

export async function dropProjectionTables(db: ReadDatabase, projection: Projection): Promise<void> {
  for (const table of projection.tables) {
    await sql`DROP TABLE IF EXISTS ${sql.table(physicalTableName(projection, table.name))}`.execute(db);
  }
  await db.deleteFrom(CHECKPOINTS_TABLE).where('name', '=', projection.name).where('version', '=', projection.version).execute();
}
