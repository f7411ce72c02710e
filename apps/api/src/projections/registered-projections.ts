import type { Projection } from '../../../../projections/core/projection.js';
import { directoryProjection } from '../../../../projections/directory/index.js';
import { quotaProjection } from '../../../../projections/quota/index.js';
import { threadProjection } from '../../../../projections/thread/index.js';
import { ticketListProjection } from '../../../../projections/ticket-list/index.js';
import { searchProjection } from '../../../../projections/search/index.js';
import { viewsProjection } from '../../../../projections/views/index.js';

/** Every read model the service keeps up to date; a new one is added here and nowhere else. */
export const REGISTERED_PROJECTIONS: readonly Projection[] = [
  ticketListProjection,
  threadProjection,
  quotaProjection,
  directoryProjection,
  viewsProjection,
  searchProjection,
];
