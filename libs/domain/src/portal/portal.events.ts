import type { DomainEvent } from '../core/index.js';

export type PortalRegistered = DomainEvent<
  'PortalRegistered',
  {
    portalId: string;
    name: string;
    /** Canonical IANA name: the portal's quota periods reset at local midnight there. */
    timeZone: string;
    /** 'YYYY-MM-DD': its day of the month is the monthly reset day. */
    subscriptionStartedOn: string;
    monthlyConversationLimit: number;
    registeredAt: string;
  }
>;

export type MonthlyLimitChanged = DomainEvent<
  'MonthlyLimitChanged',
  {
    portalId: string;
    limit: number;
    /** ISO instant from which quota decisions use the new limit. */
    effectiveFrom: string;
    changedAt: string;
  }
>;

export type ReadReceiptsToContactsChanged = DomainEvent<
  'ReadReceiptsToContactsChanged',
  { portalId: string; enabled: boolean; changedAt: string }
>;

export type PortalSuspended = DomainEvent<'PortalSuspended', { portalId: string; reason: string; suspendedAt: string }>;
export type PortalResumed = DomainEvent<'PortalResumed', { portalId: string; resumedAt: string }>;

export type PortalEvent =
  PortalRegistered | MonthlyLimitChanged | ReadReceiptsToContactsChanged | PortalSuspended | PortalResumed;
