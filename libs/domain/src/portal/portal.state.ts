import { assertNever, refuse } from '../core/index.js';
import type { PortalEvent } from './portal.events.js';

export interface MonthlyLimitPeriod {
  readonly limit: number;
  readonly effectiveFrom: string;
}

export type UnregisteredPortal = Readonly<{ status: 'Unregistered' }>;

export type RegisteredPortal = Readonly<{
  status: 'Registered';
  portalId: string;
  name: string;
  timeZone: string;
  subscriptionStartedOn: string;
  /** In the order they were decided; the first one is the limit given at registration. */
  monthlyLimits: readonly MonthlyLimitPeriod[];
  /** Read receipts (blue ticks) to contacts when agents read a conversation; on unless an admin turned them off. */
  readReceiptsToContacts: boolean;
  /** Set while the platform operator suspended the portal: nothing is sent for it, everything is still received. */
  suspended: Readonly<{ reason: string; since: string }> | null;
}>;

export type PortalState = UnregisteredPortal | RegisteredPortal;

export const initialPortalState: PortalState = { status: 'Unregistered' };

export function evolvePortal(state: PortalState, event: PortalEvent): PortalState {
  switch (event.type) {
    case 'PortalRegistered': {
      const { portalId, name, timeZone, subscriptionStartedOn, monthlyConversationLimit, registeredAt } = event.data;
      const monthlyLimits = [{ limit: monthlyConversationLimit, effectiveFrom: registeredAt }];
      return {
        ...{ status: 'Registered', portalId, name, timeZone, subscriptionStartedOn, monthlyLimits },
        readReceiptsToContacts: true,
        suspended: null,
      };
    }
    case 'MonthlyLimitChanged': {
      if (state.status !== 'Registered') return state;
      const { limit, effectiveFrom } = event.data;
      return { ...state, monthlyLimits: [...state.monthlyLimits, { limit, effectiveFrom }] };
    }
    case 'ReadReceiptsToContactsChanged':
      return state.status === 'Registered' ? { ...state, readReceiptsToContacts: event.data.enabled } : state;
    case 'PortalSuspended': {
      if (state.status !== 'Registered') return state;
      return { ...state, suspended: { reason: event.data.reason, since: event.data.suspendedAt } };
    }
    case 'PortalResumed':
      return state.status === 'Registered' ? { ...state, suspended: null } : state;
    default:
      return assertNever(event);
  }
}

/**
 * The limit in force at `instant`: the latest-effective change not after it (the later decision
 * wins a tie). Before any effective date, the registration limit applies.
 */
export function monthlyLimitAt(portal: RegisteredPortal, instant: Date): number {
  const effective = portal.monthlyLimits.filter((period) => Date.parse(period.effectiveFrom) <= instant.getTime());
  if (effective.length === 0) return portal.monthlyLimits[0].limit;
  const latest = effective.reduce((inForce, period) =>
    Date.parse(period.effectiveFrom) >= Date.parse(inForce.effectiveFrom) ? period : inForce,
  );
  return latest.limit;
}

/** Messages are sent only for a portal that is not suspended; receiving never stops. */
export function refuseSendingIfSuspended(portal: RegisteredPortal): void {
  if (portal.suspended === null) return;
  refuse('PORTAL_SUSPENDED', `Portal ${portal.portalId} is suspended (${portal.suspended.reason}): nothing is sent`, {
    portalId: portal.portalId,
    since: portal.suspended.since,
  });
}
