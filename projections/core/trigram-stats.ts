import type { TrigramEstimate } from './text-index.js';

interface Remembered {
  readonly docs: number;
  readonly exact: boolean;
  /** The table's highest rowid when this was found. */
  readonly highRowid: number;
  readonly expires: number;
}

/**
 * What the trigram probes and counts of SQLite searches found, per table, column and trigram,
 * remembered for a while: the next page of a search, the same search again, or another term
 * sharing trigrams skips those statements (a count of a common trigram walks its doclist: about
 * 4 ms at 3M rows). Only the cost of a search depends on it (which trigrams narrow it, whether the
 * index or a scan serves it), never what it finds. Rows written since count against a remembered
 * count: every rowid above the one it was found at may hold the trigram, so it recalls as an upper
 * bound. Deletes can leave it too high, which costs a scan, not a wrong answer; a table whose
 * highest rowid went down (rebuilt and switched in) forgets it. Bounded in entries and in age.
 */
export class TrigramStats {
  /** In the order they were remembered: past `maxEntries` the first goes. */
  private readonly entries = new Map<string, Remembered>();

  constructor(
    readonly maxEntries: number,
    readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** What is known of the trigram's rows in a table whose highest rowid is now `highRowid`. */
  recall(table: string, column: string, trigram: string, highRowid: number): TrigramEstimate | undefined {
    const key = keyOf(table, column, trigram);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.now() || highRowid < entry.highRowid) {
      this.entries.delete(key);
      return undefined;
    }
    const written = highRowid - entry.highRowid;
    if (written === 0) return { trigram, docs: entry.docs, exact: entry.exact };
    return entry.exact
      ? { trigram, docs: entry.docs + written, exact: false, atMost: true }
      : { trigram, docs: entry.docs, exact: false };
  }

  /** An exact count (or an estimate from a sample) of the trigram's rows at `highRowid`. */
  remember(table: string, column: string, estimate: TrigramEstimate, highRowid: number): void {
    if (estimate.atMost || this.maxEntries <= 0) return;
    const key = keyOf(table, column, estimate.trigram);
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const first = this.entries.keys().next();
      if (!first.done) this.entries.delete(first.value);
    }
    this.entries.set(key, {
      docs: estimate.docs,
      exact: estimate.exact,
      highRowid,
      expires: this.now() + this.ttlMs,
    });
  }

  get size(): number {
    return this.entries.size;
  }
}

const keyOf = (table: string, column: string, trigram: string) => `${table}\u0000${column}\u0000${trigram}`;
