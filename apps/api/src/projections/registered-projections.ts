import type { Projection } from '@helpdesk/projections/core/projection.js';
import { directoryProjection } from '@helpdesk/projections/directory/index.js';
import { quotaProjectionUnder } from '@helpdesk/projections/quota/index.js';
import { RULEBOOK, type Rulebook } from '@helpdesk/domain';
import { threadProjection } from '@helpdesk/projections/thread/index.js';
import { ticketListProjection } from '@helpdesk/projections/ticket-list/index.js';
import { searchProjection } from '@helpdesk/projections/search/index.js';
import { viewsProjection } from '@helpdesk/projections/views/index.js';

/** Every read model the service keeps up to date, those that apply rules under `rulebook`; a new one is added here and nowhere else. */
export function registeredProjections(rulebook: Rulebook = RULEBOOK): readonly Projection[] {
  return [ticketListProjection, threadProjection, quotaProjectionUnder(rulebook), directoryProjection, viewsProjection, searchProjection];
}

/** Under the repository's rulebook. */
export const REGISTERED_PROJECTIONS: readonly Projection[] = registeredProjections();
