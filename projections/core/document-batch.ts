import type { Transaction } from 'kysely';
import type { Document, DocumentAccess, Projection, TableNames } from './projection.js';

interface PendingChange {
  readonly table: string;
  readonly id: string;
  readonly document: Document | null;
}

/**
 * The documents a batch of events touches, read once and written once: later events of the
 * batch see earlier events' changes, and the writes go out together with the checkpoint.
 */
export class DocumentBatch implements DocumentAccess {
  private readonly cache = new Map<string, Document | null>();

  constructor(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    private readonly trx: Transaction<any>,
    private readonly projection: Projection,
    private readonly tableNames: TableNames,
  ) {}

  async get<Doc extends Document>(table: string, id: string): Promise<Doc | null> {
    const key = `${table}\u0000${id}`;
    if (this.cache.has(key)) return this.cache.get(key) as Doc | null;
    const row = await this.trx
      .selectFrom(this.tableNames(table))
      .select('document')
      .where('id', '=', id)
      .executeTakeFirst();
    const document = row ? (JSON.parse(row.document as string) as Doc) : null;
    this.cache.set(key, document);
    return document;
  }

  put(table: string, id: string, document: Document): void {
    this.cache.set(`${table}\u0000${id}`, document);
  }

  delete(table: string, id: string): void {
    this.cache.set(`${table}\u0000${id}`, null);
  }

  async flush(changed: ReadonlySet<string>): Promise<void> {
    for (const change of this.changes(changed)) {
      const table = this.tableNames(change.table);
      if (change.document === null) {
        await this.trx.deleteFrom(table).where('id', '=', change.id).execute();
        continue;
      }
      const row = { id: change.id, document: JSON.stringify(change.document), ...this.projection.columnsOf(change.table, change.document) };
      const { id: _id, ...update } = row;
      await this.trx.insertInto(table).values(row).onConflict((conflict) => conflict.column('id').doUpdateSet(update)).execute();
    }
  }

  private *changes(changed: ReadonlySet<string>): Iterable<PendingChange> {
    for (const key of changed) {
      const [table, id] = key.split('\u0000');
      yield { table, id, document: this.cache.get(key) ?? null };
    }
  }
}

/** Records which documents were written, so unchanged reads are not written back. */
export class TrackingAccess implements DocumentAccess {
  readonly changed = new Set<string>();

  constructor(private readonly batch: DocumentBatch) {}

  get<Doc extends Document>(table: string, id: string): Promise<Doc | null> {
    return this.batch.get<Doc>(table, id);
  }

  put(table: string, id: string, document: Document): void {
    this.changed.add(`${table}\u0000${id}`);
    this.batch.put(table, id, document);
  }

  delete(table: string, id: string): void {
    this.changed.add(`${table}\u0000${id}`);
    this.batch.delete(table, id);
  }
}
