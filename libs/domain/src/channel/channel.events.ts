import type { DomainEvent } from '../core/index.js';
import type { PhoneNumberOwnership } from './channel.commands.js';

/** Only messages after `connectedAt` are synced: history from before a connection is never imported. */
export type AccountConnected = DomainEvent<
  'AccountConnected',
  {
    accountId: string;
    portalId: string;
    wabaId: string;
    name: string;
    timeZone: string;
    businessVerified: boolean;
    connectedAt: string;
  }
>;

/**
 * `displayNumber` is E.164; `phoneNumberId` is Meta's id, the one messages are sent from.
 * `ownershipCheckedWith` tells an auditor whether Meta confirmed that the WABA holds the number
 * (`graph-api`) or nobody asked (`not-checked`: seed-demo, tests); absent on numbers added
 * before the check existed.
 */
export type PhoneNumberAdded = DomainEvent<
  'PhoneNumberAdded',
  {
    accountId: string;
    phoneNumberId: string;
    displayNumber: string;
    addedAt: string;
    ownershipCheckedWith?: PhoneNumberOwnership['checkedWith'];
  }
>;

export type PhoneNumberRemoved = DomainEvent<
  'PhoneNumberRemoved',
  { accountId: string; phoneNumberId: string; displayNumber: string; removedAt: string }
>;

export type BusinessVerified = DomainEvent<'BusinessVerified', { accountId: string; verifiedAt: string }>;

/** Names the numbers it gives up, so their claims can be released (again, after a crash) from this fact alone. */
export type AccountDisconnected = DomainEvent<
  'AccountDisconnected',
  { accountId: string; releasedPhoneNumbers: string[]; disconnectedAt: string }
>;

export type ChannelEvent =
  AccountConnected | PhoneNumberAdded | PhoneNumberRemoved | BusinessVerified | AccountDisconnected;
