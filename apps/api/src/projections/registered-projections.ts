import type { Projection } from '../../../../projections/core/projection.js';
import { ticketListProjection } from '../../../../projections/ticket-list/index.js';

/** Every read model the service keeps up to date; a new one is added here and nowhere else. */
export const REGISTERED_PROJECTIONS: readonly Projection[] = [ticketListProjection];
