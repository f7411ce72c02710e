import type { ExpiringEntries } from './expiring-entries.js';
import type { TrigramEstimate } from './text-index.js';

/** What a probe or count found, and where the table ended then. */
export interface RememberedTrigram {
  readonly docs: number;
  readonly exact: boolean;
  /** The table's highest rowid when this was found. */
  readonly highRowid: number;
}

/**
 * What the trigram probes and counts of SQLite searches found, per table, column and trigram,
 * remembered for a while: the next page of a search, the same search again, or another term
 * sharing trigrams skips those statements (a count of a common trigram walks its doclist: about
 * 4 ms at 3M rows). Only the cost of a search depends on it (which trigrams narrow it, whether the
 * index or a scan serves it), never what it finds. Rows written since count against a remembered
 * count: every rowid above the one it was found at may hold the trigram, so it recalls as an upper
 * bound. A row rewritten in place (a renamed contact) can add the trigram without a new rowid: the
 * age bound limits how far that can take a walk past its bound. Deletes can leave it too high,
 * which costs a scan, not a wrong answer; a table whose highest rowid went down (rebuilt and
 * switched in) forgets it. Bounded in entries and in age.
 */
export class TrigramStats {
  constructor(readonly entries: ExpiringEntries<RememberedTrigram>) {}

  /** What is known of the trigram's rows in a table whose highest rowid is now `highRowid`. */
  recall(table: string, column: string, trigram: string, highRowid: number): TrigramEstimate | undefined {
    const key = keyOf(table, column, trigram);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (highRowid < entry.highRowid) {
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
    if (estimate.atMost) return;
    const { docs, exact } = estimate;
    this.entries.set(keyOf(table, column, estimate.trigram), { docs, exact, highRowid });
  }

  get size(): number {
    return this.entries.size;
  }
}

const keyOf = (table: string, column: string, trigram: string) => `${table}\u0000${column}\u0000${trigram}`;
