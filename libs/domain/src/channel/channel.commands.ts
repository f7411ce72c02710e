import type { DomainCommand } from '../core/index.js';

/** As Meta lists it; `displayNumber` in any dialable spelling, normalised to E.164 by the decider. */
export type PhoneNumberInput = Readonly<{ phoneNumberId: string; displayNumber: string }>;

/**
 * What Meta said the WABA holds, asked by the handler just before deciding (`GET /{waba-id}/phone_numbers`):
 * `found` false when Meta refused to show the WABA to this service (unknown, or not shared with its app);
 * `phoneNumbers` with display numbers normalised to E.164. `not-checked`: the operator turned the check
 * off (WHATSAPP_OWNERSHIP_CHECK=off, development and tests only) or an operator tool (seed-demo) connects
 * made-up demo numbers; the claims still apply.
 */
export type PhoneNumberOwnership =
  | Readonly<{ checkedWith: 'graph-api'; wabaId: string; found: boolean; phoneNumbers: readonly PhoneNumberInput[] }>
  | Readonly<{ checkedWith: 'not-checked' }>;

/**
 * The portal is the command context's: a portal connects accounts for itself only. `reconnect`: the
 * caller named an account it connected before (the API mints new account ids itself, so an id cannot
 * be squatted); an account that is unknown or another portal's is refused alike.
 */
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
    reconnect?: boolean;
    ownership: PhoneNumberOwnership;
  }
>;

export type AddPhoneNumber = DomainCommand<
  'AddPhoneNumber',
  { accountId: string; ownership: PhoneNumberOwnership } & PhoneNumberInput
>;

export type RemovePhoneNumber = DomainCommand<'RemovePhoneNumber', { accountId: string; displayNumber: string }>;

export type MarkBusinessVerified = DomainCommand<'MarkBusinessVerified', { accountId: string }>;

export type DisconnectAccount = DomainCommand<'DisconnectAccount', { accountId: string }>;

export type ChannelCommand =
  ConnectAccount | AddPhoneNumber | RemovePhoneNumber | MarkBusinessVerified | DisconnectAccount;
