import type { Projection } from './core/projection.js';
import { campaignsProjection } from './campaigns/index.js';
import { directoryProjection } from './directory/index.js';
import { quotaProjectionUnder } from './quota/index.js';
import { RULEBOOK, type Rulebook } from '@helpdesk/domain';
import { threadProjection } from './thread/index.js';
import { ticketListProjection } from './ticket-list/index.js';
import { searchProjection } from './search/index.js';
import { sessionExpiryProjection } from './session-expiry/index.js';
import { viewsProjection } from './views/index.js';

/** Every read model the service keeps up to date, those that apply rules under `rulebook`; a new one is added here and nowhere else. */
export function registeredProjections(rulebook: Rulebook = RULEBOOK): readonly Projection[] {
  return [
    ticketListProjection,
    threadProjection,
    quotaProjectionUnder(rulebook),
    directoryProjection,
    viewsProjection,
    searchProjection,
    campaignsProjection,
    sessionExpiryProjection,
  ];
}

/** Under the repository's rulebook. */
export const REGISTERED_PROJECTIONS: readonly Projection[] = registeredProjections();
