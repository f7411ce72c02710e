import type { RecordedEvent } from '@helpdesk/event-store';

export type ColumnType = 'text' | 'integer';

/** A read-model table: an id, the document as JSON, and the columns queries filter and sort on. */
export interface TableSpec {
  readonly name: string;
  readonly columns: Readonly<Record<string, ColumnType>>;
  readonly indexes: readonly (readonly string[])[];
}

export type Document = Readonly<Record<string, unknown>>;

/** What a projection may do while handling one event: every change lands in one transaction. */
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
}

/** Physical table names carry the projection version, so a rebuild can fill new tables beside the old. */
export function physicalTableName(projection: Pick<Projection, 'name' | 'version'>, table: string): string {
  return `rm_${projection.name}_v${projection.version}_${table}`;
}
