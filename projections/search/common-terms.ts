import type { ExpiringEntries } from '../core/expiring-entries.js';

/**
 * The terms found in more than RARE_HITS of a portal's rows (per table and column), remembered for
 * a while so that the next page of a search, or the same search again, does not decide it anew
 * (about 3 ms at 1M tickets: the trigram probes and a LIKE slice). The verdict only chooses how a
 * search runs (ticket by ticket instead of by ids), never what it finds, so a stale one costs time,
 * not correctness; and a common term only turns rare when rows are deleted. Rare verdicts are never
 * remembered: the ids they name would miss the rows written since. Bounded: past `maxEntries`, the
 * verdict remembered first is forgotten.
 */
export class CommonTerms {
  /** Bounded in number and age: a verdict is forgotten when it expires or when it is the oldest of too many. */
  constructor(readonly verdicts: ExpiringEntries<true>) {}

  has(search: SearchedTerm): boolean {
    return this.verdicts.get(keyOf(search)) === true;
  }

  remember(search: SearchedTerm): void {
    this.verdicts.set(keyOf(search), true);
  }

  get size(): number {
    return this.verdicts.size;
  }
}

/** A term searched in one portal's rows of a table's column, common past `rareHits` of them. */
export interface SearchedTerm {
  readonly portalId: string;
  readonly table: string;
  readonly column: string;
  readonly term: string;
  readonly rareHits: number;
}

const keyOf = ({ portalId, table, column, term, rareHits }: SearchedTerm) =>
  JSON.stringify([portalId, table, column, term, rareHits]);
