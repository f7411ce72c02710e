import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@helpdesk/config';
import { DEFAULT_SEARCH_BOUNDS, SearchGate, type SearchBounds } from '@helpdesk/projections/search/index.js';

/**
 * What one ticket search may cost in this process (SEARCH_* variables), and the gate its scans
 * share: one instance per app, so the limit on concurrent broad searches holds across every
 * request. Tests replace `bounds`.
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
    };
  }
}
