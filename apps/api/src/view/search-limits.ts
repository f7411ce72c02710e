import { Injectable } from '@nestjs/common';
import { DEFAULT_SEARCH_BOUNDS, type SearchBounds } from '@helpdesk/projections/search/index.js';

/**
 * What one ticket search may cost in this process, and the gate its scans share: one instance per
 * app, so the limit on concurrent broad searches holds across every request. Tests replace `bounds`.
 */
@Injectable()
export class SearchLimits {
  bounds: SearchBounds = DEFAULT_SEARCH_BOUNDS;
}
