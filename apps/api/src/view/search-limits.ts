import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@helpdesk/config';
import {
  CommonTerms,
  DEFAULT_SEARCH_BOUNDS,
  SearchGate,
  type SearchBounds,
} from '@helpdesk/projections/search/index.js';

/**
 * 10,000 verdicts, each for a minute (long enough for an agent paging through one search): about 1 MB
 * for words of ten characters, 10 MB at most for terms of 200.
 */
export const COMMON_TERMS = { maxTerms: 10_000, ttlMs: 60_000 } as const;

/**
 * What one ticket search may cost in this process (SEARCH_* variables), the gate its scans share
 * and the terms it found common: one instance per app, so the limit on concurrent broad searches
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
      commonTerms: new CommonTerms(COMMON_TERMS.maxTerms, COMMON_TERMS.ttlMs),
    };
  }
}
