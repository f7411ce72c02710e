import { ExpiringEntries } from '../core/expiring-entries.js';
import { CommonTerms, type SearchedTerm } from './common-terms.js';

const refund: SearchedTerm = { portalId: 'p1', table: 'messages', column: 'text_key', term: 'refund', rareHits: 2_000 };

describe('CommonTerms', () => {
  it('remembers a verdict until it expires', () => {
    let now = 1_000;
    const terms = new CommonTerms(new ExpiringEntries(10, 60_000, () => now));
    expect(terms.has(refund)).toBe(false);
    terms.remember(refund);
    now += 59_999;
    expect(terms.has(refund)).toBe(true);
    now += 1;
    expect(terms.has(refund)).toBe(false);
    // An expired verdict is forgotten when asked for.
    expect(terms.size).toBe(0);
  });

  it('keeps each portal, table, column, term and threshold apart', () => {
    const terms = new CommonTerms(new ExpiringEntries(10, 60_000));
    terms.remember(refund);
    for (const other of [
      { ...refund, portalId: 'p2' },
      { ...refund, table: 'contacts' },
      { ...refund, column: 'name_key' },
      { ...refund, term: 'refunds' },
      { ...refund, rareHits: 20 },
    ])
      expect(terms.has(other)).toBe(false);
    expect(terms.has({ ...refund })).toBe(true);
  });

  it('holds at most maxEntries, forgetting the verdict remembered first', () => {
    const terms = new CommonTerms(new ExpiringEntries(2, 60_000));
    const term = (n: number) => ({ ...refund, term: `word ${n}` });
    terms.remember(term(1));
    terms.remember(term(2));
    // Remembered again: now the newest.
    terms.remember(term(1));
    terms.remember(term(3));
    expect(terms.size).toBe(2);
    expect([1, 2, 3].map((n) => terms.has(term(n)))).toEqual([true, false, true]);
    const none = new CommonTerms(new ExpiringEntries(0, 60_000));
    none.remember(refund);
    expect(none.has(refund)).toBe(false);
  });
});
