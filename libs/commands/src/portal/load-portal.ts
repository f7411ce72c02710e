import { loadState } from '@helpdesk/command-handling';
import { portalDecider, portalStreamName, PortalState, refuse, RegisteredPortal } from '@helpdesk/domain';
import type { EventStore } from '@helpdesk/event-store';

/** The portal as its stream tells it now; PORTAL_NOT_FOUND when it was never registered. */
export async function loadPortal(store: EventStore, portalId: string): Promise<RegisteredPortal> {
  const { state } = await loadState(store, portalStreamName(portalId), portalDecider);
  return registeredPortal(state, portalId);
}

export function registeredPortal(state: PortalState, portalId: string): RegisteredPortal {
  if (state.status !== 'Registered') refuse('PORTAL_NOT_FOUND', `Portal ${portalId} is not registered`, { portalId });
  return state;
}
