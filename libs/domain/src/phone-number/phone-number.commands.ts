import type { DomainCommand } from '../core/index.js';

/** The claiming portal is the command's context portal: a portal can only claim for itself. */
export type ClaimPhoneNumber = DomainCommand<
  'ClaimPhoneNumber',
  { phoneNumber: string; accountId: string; phoneNumberId: string }
>;

export type ReleasePhoneNumber = DomainCommand<'ReleasePhoneNumber', { phoneNumber: string; accountId: string }>;

export type PhoneNumberClaimCommand = ClaimPhoneNumber | ReleasePhoneNumber;

/** Meta's `phone_number_id` is claimed like the display number: by one account (so one portal) at a time. */
export type ClaimPhoneNumberId = DomainCommand<
  'ClaimPhoneNumberId',
  { phoneNumberId: string; phoneNumber: string; accountId: string }
>;

export type ReleasePhoneNumberId = DomainCommand<'ReleasePhoneNumberId', { phoneNumberId: string; accountId: string }>;

export type PhoneNumberIdCommand = ClaimPhoneNumberId | ReleasePhoneNumberId;
