import type { DomainEvent } from '../core/index.js';

/** The number (E.164) is held by one WhatsApp account until released: across all portals. */
export type PhoneNumberClaimed = DomainEvent<
  'PhoneNumberClaimed',
  { phoneNumber: string; accountId: string; portalId: string; phoneNumberId: string; claimedAt: string }
>;

export type PhoneNumberReleased = DomainEvent<
  'PhoneNumberReleased',
  { phoneNumber: string; accountId: string; portalId: string; releasedAt: string }
>;

export type PhoneNumberClaimEvent = PhoneNumberClaimed | PhoneNumberReleased;

/**
 * Before claims of `phone_number_id`s existed, this index pointed an id at a display number and was
 * re-pointed by whichever account listed the id last. Still folded for streams written then; never
 * written any more. It is no claim: routing by it also needs the display number's claim.
 */
export type PhoneNumberIdLinked = DomainEvent<'PhoneNumberIdLinked', { phoneNumberId: string; phoneNumber: string }>;

/** Meta's `phone_number_id` is held by one account (and so one portal) until that account releases it. */
export type PhoneNumberIdClaimed = DomainEvent<
  'PhoneNumberIdClaimed',
  { phoneNumberId: string; phoneNumber: string; accountId: string; portalId: string; claimedAt: string }
>;

export type PhoneNumberIdReleased = DomainEvent<
  'PhoneNumberIdReleased',
  { phoneNumberId: string; accountId: string; portalId: string; releasedAt: string }
>;

export type PhoneNumberIdEvent = PhoneNumberIdLinked | PhoneNumberIdClaimed | PhoneNumberIdReleased;
