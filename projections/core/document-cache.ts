import type { Document } from './projection.js';

export interface DocumentCacheOptions {
  /** Documents kept per table across batches; the least recently written (or read from the store) go first. */
  readonly capacity: number;
  /** The tables were empty when the run began: until a table's cache forgets a document, one not kept there does not exist. */
  readonly startsEmpty?: boolean;
}

/** One table's kept documents, in the order they were last written or read from the store. */
class TableCache {
  readonly committed = new Map<string, Document | null>();
  readonly pending = new Map<string, Document | null>();
  constructor(public complete: boolean) {}
}

/**
 * The documents one run (a runner, a rebuild) has read or written, kept parsed across its batches
 * so a document is not read and JSON-parsed again for every batch that touches it. It holds
 * committed state only: a batch's changes wait in `pending` until its transaction commits and are
 * dropped when it rolls back. Only safe while this run is the tables' one writer, which every
 * batch checks first (`claimCheckpoint`); a run that loses its claim starts over with a new cache.
 * Documents are shared, never copied: projections must not mutate what they read (they build new ones).
 */
export class DocumentCache {
  private readonly tables = new Map<string, TableCache>();

  constructor(private readonly options: DocumentCacheOptions) {}

  /** The document as the batch sees it, `null` if it does not exist, `undefined` when not known here. */
  lookup(table: string, id: string): Document | null | undefined {
    const cache = this.table(table);
    const pending = cache.pending.get(id);
    if (pending !== undefined) return pending;
    const committed = cache.committed.get(id);
    if (committed !== undefined) return committed;
    return cache.complete ? null : undefined;
  }

  /** A document as read from the store inside the batch, before the batch wrote anything. */
  remember(table: string, id: string, document: Document | null): void {
    const cache = this.table(table);
    cache.committed.set(id, document);
    this.evict(cache);
  }

  /** A change of the batch in flight: `null` deletes. */
  change(table: string, id: string, document: Document | null): void {
    this.table(table).pending.set(id, document);
  }

  /** The batch's changes by table, to write before it commits. */
  *changes(): Iterable<[string, ReadonlyMap<string, Document | null>]> {
    for (const [table, cache] of this.tables) if (cache.pending.size > 0) yield [table, cache.pending];
  }

  /** The batch committed: its changes are now the stored state. */
  commit(): void {
    for (const cache of this.tables.values()) {
      for (const [id, document] of cache.pending) {
        cache.committed.delete(id);
        cache.committed.set(id, document);
      }
      cache.pending.clear();
      this.evict(cache);
    }
  }

  /** The batch rolled back: forget its changes. */
  rollback(): void {
    for (const cache of this.tables.values()) cache.pending.clear();
  }

  private table(table: string): TableCache {
    let cache = this.tables.get(table);
    if (!cache) this.tables.set(table, (cache = new TableCache(this.options.startsEmpty ?? false)));
    return cache;
  }

  private evict(cache: TableCache): void {
    if (cache.committed.size <= this.options.capacity) return;
    cache.complete = false;
    const ids = cache.committed.keys();
    while (cache.committed.size > this.options.capacity) cache.committed.delete(ids.next().value!);
  }
}
