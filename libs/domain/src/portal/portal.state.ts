import { assertNever } from '../core/index.js';
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
      };
    }
    case 'MonthlyLimitChanged': {
      if (state.status !== 'Registered') return state;
      const { limit, effectiveFrom } = event.data;
      return { ...state, monthlyLimits: [...state.monthlyLimits, { limit, effectiveFrom }] };
    }
    case 'ReadReceiptsToContactsChanged':
      return state.status === 'Registered' ? { ...state, readReceiptsToContacts: event.data.enabled } : state;
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
