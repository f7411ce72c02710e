import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@helpdesk/config';
import { ExpiringEntries } from '@helpdesk/projections/core/expiring-entries.js';
import {
  CommonTerms,
  DEFAULT_SEARCH_BOUNDS,
  SearchGate,
  type SearchBounds,
  TrigramStats,
} from '@helpdesk/projections/search/index.js';

/**
 * 10,000 verdicts, each for a minute (long enough for an agent paging through one search): about 1 MB
 * for words of ten characters, 10 MB at most for terms of 200.
 */
export const COMMON_TERMS = { maxEntries: 10_000, ttlMs: 60_000 } as const;

/**
 * 10,000 trigrams' counts and estimates (a few hundred distinct terms' worth), each for five
 * minutes: about 1.5 MB. A count recalls as an upper bound that grows with the rows written since.
 */
export const TRIGRAM_STATS = { maxEntries: 10_000, ttlMs: 300_000 } as const;

/**
 * What one ticket search may cost in this process (SEARCH_* variables), the gate its scans share,
 * the terms it found common and what its trigram probes found: one instance per app, so the limit on concurrent broad searches
 * holds across every request, and a verdict is never shared with another app's read store.
 * Tests replace `bounds`.
 */
@Injectable()
export class SearchLimits {
  bounds: SearchBounds;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const { maxScanRows, maxConcurrent, maxWaiting, statementTimeoutMs } = config.search;
    this.bounds = {
      ...DEFAULT_SEARCH_BOUNDS,
      maxScanRows,
      statementTimeoutMs,
      gate: new SearchGate(maxConcurrent, maxWaiting),
      commonTerms: new CommonTerms(new ExpiringEntries(COMMON_TERMS.maxEntries, COMMON_TERMS.ttlMs)),
      trigramStats: new TrigramStats(new ExpiringEntries(TRIGRAM_STATS.maxEntries, TRIGRAM_STATS.ttlMs)),
    };
  }
}
