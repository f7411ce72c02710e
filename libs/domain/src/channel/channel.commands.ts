import type { DomainCommand } from '../core/index.js';

/** As Meta lists it; `displayNumber` in any dialable spelling, normalised to E.164 by the decider. */
export type PhoneNumberInput = Readonly<{ phoneNumberId: string; displayNumber: string }>;

/** The portal is the command context's: a portal connects accounts for itself only. */
export type ConnectAccount = DomainCommand<
  'ConnectAccount',
  {
    accountId: string;
    wabaId: string;
    name: string;
    timeZone: string;
    accountType: 'business' | 'personal';
    businessVerified: boolean;
    phoneNumbers: readonly PhoneNumberInput[];
  }
>;

export type AddPhoneNumber = DomainCommand<'AddPhoneNumber', { accountId: string } & PhoneNumberInput>;

export type RemovePhoneNumber = DomainCommand<'RemovePhoneNumber', { accountId: string; displayNumber: string }>;

export type MarkBusinessVerified = DomainCommand<'MarkBusinessVerified', { accountId: string }>;

export type DisconnectAccount = DomainCommand<'DisconnectAccount', { accountId: string }>;

export type ChannelCommand = ConnectAccount | AddPhoneNumber | RemovePhoneNumber | MarkBusinessVerified | DisconnectAccount;
