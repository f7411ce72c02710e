import type { DomainCommand } from '../core/index.js';

/** The claiming portal is the command's context portal: a portal can only claim for itself. */
export type ClaimPhoneNumber = DomainCommand<
  'ClaimPhoneNumber',
  { phoneNumber: string; accountId: string; phoneNumberId: string }
>;

export type ReleasePhoneNumber = DomainCommand<'ReleasePhoneNumber', { phoneNumber: string; accountId: string }>;

export type PhoneNumberClaimCommand = ClaimPhoneNumber | ReleasePhoneNumber;

export type LinkPhoneNumberId = DomainCommand<'LinkPhoneNumberId', { phoneNumberId: string; phoneNumber: string }>;
