import type { RecordedEvent } from '@helpdesk/event-store';

export type ColumnType = 'text' | 'integer';

/** A read-model table: an id, the document as JSON, and the columns queries filter and sort on. */
export interface TableSpec {
  readonly name: string;
  readonly columns: Readonly<Record<string, ColumnType>>;
  readonly indexes: readonly (readonly string[])[];
}

export type Document = Readonly<Record<string, unknown>>;

/**
 * What a projection may do while handling one event: every change lands in one transaction.
 * Documents `get` returns are shared with later events and batches (kept parsed between them):
 * build a new document and `put` it, never mutate one.
 */
export interface DocumentAccess {
  get<Doc extends Document>(table: string, id: string): Promise<Doc | null>;
  put(table: string, id: string, document: Document): void;
  delete(table: string, id: string): void;
}

/**
 * A read model: the event types it handles and how each changes its documents. `project` holds
 * the logic and may only touch documents through `access`, so live runs, rebuilds and the
 * in-memory drift check share it. Bumping `version` means "rebuild me".
 */
export interface Projection {
  readonly name: string;
  readonly version: number;
  readonly eventTypes: readonly string[];
  readonly tables: readonly TableSpec[];
  /** Pulls a document's indexed columns out of it (by table). */
  columnsOf(table: string, document: Document): Readonly<Record<string, string | number | null>>;
  project(event: RecordedEvent, access: DocumentAccess): Promise<void>;
  /**
   * The versioned configuration the documents depend on (e.g. the rulebook's version). Tables
   * built under other rules still serve, but status calls them stale until a rebuild.
   */
  readonly rulesVersion?: string;
}

/** Maps a logical table name to the physical table a run writes: the live tables or a rebuild's. */
export type TableNames = (table: string) => string;

/** Physical table names carry the projection version, so a rebuild can fill new tables beside the old. */
export function physicalTableName(projection: Pick<Projection, 'name' | 'version'>, table: string): string {
  return `rm_${projection.name}_v${projection.version}_${table}`;
}

export function liveTableNames(projection: Pick<Projection, 'name' | 'version'>): TableNames {
  return (table) => physicalTableName(projection, table);
}

/** Where rebuild number `build` fills its tables while the live ones keep serving. */
export function stagingTableNames(projection: Pick<Projection, 'name' | 'version'>, build: number): TableNames {
  return (table) => `${physicalTableName(projection, table)}_b${build}`;
}

/** Where the replaced live tables go at the switch, until they are dropped. */
export function retiredTableNames(projection: Pick<Projection, 'name' | 'version'>, build: number): TableNames {
  return (table) => `${physicalTableName(projection, table)}_old${build}`;
}
