import type { Decider } from '../core/index.js';
import type { PortalCommand } from './portal.commands.js';
import { decidePortal } from './portal.decide.js';
import type { PortalEvent } from './portal.events.js';
import { evolvePortal, initialPortalState, PortalState } from './portal.state.js';

export const portalDecider: Decider<PortalCommand, PortalEvent, PortalState> = {
  decide: decidePortal,
  evolve: evolvePortal,
  initialState: initialPortalState,
};

export * from './portal.commands.js';
export { DEFAULT_MONTHLY_CONVERSATION_LIMIT } from './portal.decide.js';
export * from './portal.events.js';
export * from './portal.state.js';
