import type { DocumentCache } from './document-cache.js';
import type { DocumentStatements } from './document-statements.js';
import type { Document, DocumentAccess } from './projection.js';
import type { ReadDatabase } from './read-model-schema.js';

/**
 * The documents a batch of events touches, each read at most once and written once: later events
 * of the batch see earlier events' changes, and the writes go out together, in the caller's
 * transaction, with the checkpoint. Documents an earlier batch of the same run read or wrote come
 * from `cache` without a query.
 */
export class DocumentBatch implements DocumentAccess {
  constructor(
    private readonly trx: ReadDatabase,
    private readonly statements: DocumentStatements,
    private readonly cache: DocumentCache,
  ) {}

  async get(table: string, id: string): Promise<Document | null> {
    const known = this.cache.lookup(table, id);
    if (known !== undefined) return known;
    const document = await this.statements.read(this.trx, table, id);
    this.cache.remember(table, id, document);
    return document;
  }

  put(table: string, id: string, document: Document): void {
    this.cache.change(table, id, document);
  }

  delete(table: string, id: string): void {
    this.cache.change(table, id, null);
  }

  /** Writes the batch's changes: deletions one by one (rare), the rest as multi-row upserts per table. */
  async flush(): Promise<void> {
    for (const [table, changes] of this.cache.changes()) {
      const upserts: [string, Document][] = [];
      for (const [id, document] of changes) {
        if (document === null) await this.statements.delete(this.trx, table, id);
        else upserts.push([id, document]);
      }
      await this.statements.upsert(this.trx, table, upserts);
    }
  }
}
