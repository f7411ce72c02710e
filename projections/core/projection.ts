import type { DomainEvent } from '@helpdesk/domain';
import type { RecordedEvent } from '@helpdesk/event-store';

export type ColumnType = 'text' | 'integer';

/** A read-model table: an id, the document as JSON, and the columns queries filter and sort on. */
export interface TableSpec<Name extends string = string> {
  readonly name: Name;
  readonly columns: Readonly<Record<string, ColumnType>>;
  readonly indexes: readonly (readonly string[])[];
  /**
   * Text columns searched for a substring (`containsText`): each gets a trigram index, an FTS5
   * `trigram` table kept in step by triggers on SQLite, a GIN `gin_trgm_ops` index on PostgreSQL.
   */
  readonly textIndexes?: readonly string[];
}

/** A stored document: a JSON object. */
export type Document = object;

/** The document type of each of a projection's tables, by table name. */
export type RowTypes = { readonly [table: string]: Document };

export type TableName<Rows extends RowTypes> = keyof Rows & string;

/** A document with its table: `columnsOf` narrows the document by checking `table`. */
export type TableDocument<Rows extends RowTypes = RowTypes> = {
  readonly [T in TableName<Rows>]: { readonly table: T; readonly document: Rows[T] };
}[TableName<Rows>];

/** The indexed columns of one document, by column name. */
export type ColumnValues = Readonly<Record<string, string | number | null>>;

/**
 * What a projection may do while handling one event: every change lands in one transaction.
 * Documents `get` returns are shared with later events and batches (kept parsed between them):
 * build a new document and `put` it, never mutate one. Each table holds documents of its row type.
 */
export interface DocumentAccess<Rows extends RowTypes = RowTypes> {
  get<T extends TableName<Rows>>(table: T, id: string): Promise<Rows[T] | null>;
  put<T extends TableName<Rows>>(table: T, id: string, document: Rows[T]): void;
  delete(table: TableName<Rows>, id: string): void;
}

/** A stored event as a projection sees it: its type and data are those of the domain event `E`. */
export type ProjectedEvent<E extends DomainEvent = DomainEvent> = E extends DomainEvent
  ? Omit<RecordedEvent<E['data']>, 'type'> & { readonly type: E['type'] }
  : never;

/**
 * A read model: the domain events it handles and how each changes its documents. `project` holds
 * the logic and may only touch documents through `access`, so live runs, rebuilds and the
 * in-memory drift check share it. Bumping `version` means "rebuild me".
 *
 * `E` is the union of the domain events it handles (from @helpdesk/domain): `project` only ever
 * receives one of `eventTypes`, narrowed by its `type`. `Rows` names each table's document type.
 *
 * The runner holds every projection as a plain `Projection`. Written as a conditional type so that
 * TypeScript compares two projections member by member (methods bivariantly) rather than by their
 * type arguments, which it would find unrelated: a typed projection is then a plain one.
 */
export type Projection<E extends DomainEvent = DomainEvent, Rows extends RowTypes = RowTypes> = [E, Rows] extends [
  unknown,
  unknown,
]
  ? {
      readonly name: string;
      readonly version: number;
      readonly eventTypes: readonly E['type'][];
      readonly tables: readonly TableSpec<TableName<Rows>>[];
      /** Pulls a document's indexed columns out of it. */
      columnsOf(entry: TableDocument<Rows>): ColumnValues;
      project(event: ProjectedEvent<E>, access: DocumentAccess<Rows>): Promise<void>;
      /**
       * The versioned configuration the documents depend on (e.g. the rulebook's version). Tables
       * built under other rules still serve, but status calls them stale until a rebuild.
       */
      readonly rulesVersion?: string;
    }
  : never;

/**
 * The one place a stored event (a type name and JSON data) becomes a domain event: it is one of
 * the types the projection registered. The data is trusted as the domain wrote it.
 */
export function handledEvents<E extends DomainEvent>(
  projection: Pick<Projection<E, RowTypes>, 'eventTypes'>,
): (event: RecordedEvent) => event is ProjectedEvent<E> {
  const types: ReadonlySet<string> = new Set(projection.eventTypes);
  return (event: RecordedEvent): event is ProjectedEvent<E> => types.has(event.type);
}

/** One handler per event type, each receiving its own event: a missing or unknown type does not compile. */
export type EventHandlers<E extends DomainEvent, Rows extends RowTypes> = {
  readonly [T in E['type']]: (
    event: ProjectedEvent<Extract<E, { type: T }>>,
    access: DocumentAccess<Rows>,
  ) => Promise<void> | void;
};

/** `eventTypes` and `project` from a map of handlers keyed by event type. */
export function handleEvents<E extends DomainEvent, Rows extends RowTypes>(
  handlers: EventHandlers<E, Rows>,
): Pick<Projection<E, Rows>, 'eventTypes' | 'project'> {
  const eventTypes = Object.keys(handlers) as E['type'][];
  return {
    eventTypes,
    async project(event, access) {
      // TypeScript cannot correlate the event's type with its handler's: the map's type does.
      const handler = handlers[event.type as E['type']] as (
        event: ProjectedEvent<E>,
        access: DocumentAccess<Rows>,
      ) => Promise<void> | void;
      await handler(event, access);
    },
  };
}

/**
 * Emmett's shape for a document one event at a time builds: `evolve(document | null, event)`
 * returns the next document; the core reads it, then writes it, or deletes it when `evolve`
 * returns null, and leaves it alone when `evolve` returns it unchanged.
 */
export function evolveDocument<E extends DomainEvent, Rows extends RowTypes, T extends TableName<Rows>>(
  table: T,
  idOf: (event: ProjectedEvent<E>) => string,
  evolve: (document: Rows[T] | null, event: ProjectedEvent<E>) => Rows[T] | null,
): (event: ProjectedEvent<E>, access: DocumentAccess<Rows>) => Promise<void> {
  return async (event, access) => {
    const id = idOf(event);
    const current = await access.get(table, id);
    const next = evolve(current, event);
    if (next === current) return;
    if (next === null) access.delete(table, id);
    else access.put(table, id, next);
  };
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
