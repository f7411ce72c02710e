import type { DomainEvent } from '../core/index.js';

export type WabaClaimed = DomainEvent<
  'WabaClaimed',
  { wabaId: string; accountId: string; portalId: string; claimedAt: string }
>;

export type WabaReleased = DomainEvent<
  'WabaReleased',
  { wabaId: string; accountId: string; portalId: string; releasedAt: string }
>;

export type WabaClaimEvent = WabaClaimed | WabaReleased;
