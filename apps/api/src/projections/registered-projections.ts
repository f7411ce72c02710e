import type { Projection } from '../../../../projections/core/projection.js';
import { directoryProjection } from '../../../../projections/directory/index.js';
import { quotaProjectionUnder } from '../../../../projections/quota/index.js';
import { RULEBOOK, type Rulebook } from '@helpdesk/domain';
import { threadProjection } from '../../../../projections/thread/index.js';
import { ticketListProjection } from '../../../../projections/ticket-list/index.js';
import { searchProjection } from '../../../../projections/search/index.js';
import { viewsProjection } from '../../../../projections/views/index.js';

/** Every read model the service keeps up to date, those that apply rules under `rulebook`; a new one is added here and nowhere else. */
export function registeredProjections(rulebook: Rulebook = RULEBOOK): readonly Projection[] {
  return [ticketListProjection, threadProjection, quotaProjectionUnder(rulebook), directoryProjection, viewsProjection, searchProjection];
}

/** Under the repository's rulebook. */
export const REGISTERED_PROJECTIONS: readonly Projection[] = registeredProjections();
