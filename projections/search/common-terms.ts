/**
 * The terms found in more than RARE_HITS of a portal's rows (per table and column), remembered for
 * a while so that the next page of a search, or the same search again, does not decide it anew
 * (about 3 ms at 1M tickets: the trigram probes and a LIKE slice). The verdict only chooses how a
 * search runs (ticket by ticket instead of by ids), never what it finds, so a stale one costs time,
 * not correctness; and a common term only turns rare when rows are deleted. Rare verdicts are never
 * remembered: the ids they name would miss the rows written since. Bounded: past `maxTerms`, the
 * verdict remembered first is forgotten.
 */
export class CommonTerms {
  /** When each verdict expires (ms), in the order they were remembered. */
  private readonly expiries = new Map<string, number>();

  constructor(
    readonly maxTerms: number,
    readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  has(search: SearchedTerm): boolean {
    const key = keyOf(search);
    const expiry = this.expiries.get(key);
    if (expiry === undefined) return false;
    if (expiry > this.now()) return true;
    this.expiries.delete(key);
    return false;
  }

  remember(search: SearchedTerm): void {
    const key = keyOf(search);
    this.expiries.delete(key);
    if (this.expiries.size >= this.maxTerms) {
      const first = this.expiries.keys().next();
      if (!first.done) this.expiries.delete(first.value);
    }
    if (this.maxTerms > 0) this.expiries.set(key, this.now() + this.ttlMs);
  }

  get size(): number {
    return this.expiries.size;
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
