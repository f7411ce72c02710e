import { ExpiringEntries } from './expiring-entries.js';
import { TrigramStats } from './trigram-stats.js';

const MINUTE = 60_000;

describe('TrigramStats', () => {
  let clock = 0;
  const stats = (maxEntries = 100) => new TrigramStats(new ExpiringEntries(maxEntries, MINUTE, () => clock));
  beforeEach(() => (clock = 1_000_000));

  it('recalls a count as exact while no row was written, then as an upper bound growing with the rows written', () => {
    const remembered = stats();
    remembered.remember('messages', 'text_key', { trigram: 'ouc', docs: 40, exact: true }, 1_000);
    expect(remembered.recall('messages', 'text_key', 'ouc', 1_000)).toEqual({ trigram: 'ouc', docs: 40, exact: true });
    expect(remembered.recall('messages', 'text_key', 'ouc', 1_025)).toEqual({
      trigram: 'ouc',
      docs: 65,
      exact: false,
      atMost: true,
    });
    // Another table, column or trigram knows nothing.
    expect(remembered.recall('contacts', 'text_key', 'ouc', 1_000)).toBeUndefined();
    expect(remembered.recall('messages', 'name_key', 'ouc', 1_000)).toBeUndefined();
    expect(remembered.recall('messages', 'text_key', 'uch', 1_000)).toBeUndefined();
  });

  it('recalls an estimate as the estimate it was, never as a bound', () => {
    const remembered = stats();
    remembered.remember('messages', 'text_key', { trigram: 'ref', docs: 90_000, exact: false }, 1_000);
    expect(remembered.recall('messages', 'text_key', 'ref', 5_000)).toEqual({
      trigram: 'ref',
      docs: 90_000,
      exact: false,
    });
  });

  it('forgets what expired, and what a table whose highest rowid went down (switched in from a rebuild) held', () => {
    const remembered = stats();
    remembered.remember('messages', 'text_key', { trigram: 'ouc', docs: 40, exact: true }, 1_000);
    remembered.remember('messages', 'text_key', { trigram: 'uch', docs: 7, exact: true }, 1_000);
    expect(remembered.recall('messages', 'text_key', 'ouc', 999)).toBeUndefined();
    expect(remembered.recall('messages', 'text_key', 'ouc', 1_000)).toBeUndefined();
    clock += MINUTE;
    expect(remembered.recall('messages', 'text_key', 'uch', 1_000)).toBeUndefined();
    expect(remembered.size).toBe(0);
  });

  it('holds at most maxEntries, forgetting the first remembered; a bound is never remembered as a count', () => {
    const remembered = stats(2);
    remembered.remember('t', 'c', { trigram: 'aaa', docs: 1, exact: true }, 10);
    remembered.remember('t', 'c', { trigram: 'bbb', docs: 2, exact: true }, 10);
    remembered.remember('t', 'c', { trigram: 'ccc', docs: 3, exact: true }, 10);
    expect(remembered.size).toBe(2);
    expect(remembered.recall('t', 'c', 'aaa', 10)).toBeUndefined();
    expect(remembered.recall('t', 'c', 'ccc', 10)?.docs).toBe(3);
    remembered.remember('t', 'c', { trigram: 'ddd', docs: 4, exact: false, atMost: true }, 10);
    expect(remembered.recall('t', 'c', 'ddd', 10)).toBeUndefined();
    expect(stats(0).size).toBe(0);
  });
});
