import { loadConfig } from '@helpdesk/config';
import { DEFAULT_SEARCH_BOUNDS } from '@helpdesk/projections/search/index.js';
import { COMMON_TERMS, SearchLimits, TRIGRAM_STATS } from './search-limits.js';

const SECRET = 'a-production-secret-of-at-least-32-chars';

describe('SearchLimits', () => {
  it('bounds searches as the SEARCH_* variables say, with a gate of its own per app', () => {
    const config = loadConfig({
      AUTH_JWT_SECRET: SECRET,
      SEARCH_MAX_SCAN_ROWS: '1000',
      SEARCH_MAX_CONCURRENT: '3',
      SEARCH_MAX_WAITING: '4',
      SEARCH_STATEMENT_TIMEOUT_MS: '250',
    });
    const { bounds } = new SearchLimits(config);
    expect(bounds).toMatchObject({ maxScanRows: 1000, statementTimeoutMs: 250 });
    expect([bounds.gate.running, bounds.gate.waiting]).toEqual([3, 4]);
    expect(bounds.sliceRows).toBe(DEFAULT_SEARCH_BOUNDS.sliceRows);
    expect(new SearchLimits(config).bounds.gate).not.toBe(bounds.gate);
    // The terms found common are the app's own too: another app may read another store.
    expect(bounds.commonTerms?.verdicts).toMatchObject(COMMON_TERMS);
    expect(new SearchLimits(config).bounds.commonTerms).not.toBe(bounds.commonTerms);
    // So are the trigram counts: a table of another store may have the same name.
    expect(bounds.trigramStats?.entries).toMatchObject(TRIGRAM_STATS);
    expect(new SearchLimits(config).bounds.trigramStats).not.toBe(bounds.trigramStats);
  });
});
