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

/** Meta's `phone_number_id` points at a display number: an index for routing webhooks. */
export type PhoneNumberIdLinked = DomainEvent<'PhoneNumberIdLinked', { phoneNumberId: string; phoneNumber: string }>;

export type PhoneNumberIdEvent = PhoneNumberIdLinked;
