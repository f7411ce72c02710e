import { IANAZone } from 'luxon';
import { assertNever, refuse } from '../core/index.js';
import { normaliseToE164 } from '../phone-number/e164.js';
import type {
  AddPhoneNumber,
  ChannelCommand,
  ConnectAccount,
  DisconnectAccount,
  MarkBusinessVerified,
  PhoneNumberInput,
  PhoneNumberOwnership,
  RemovePhoneNumber,
} from './channel.commands.js';
import type { ChannelEvent } from './channel.events.js';
import {
  MAX_PHONE_NUMBERS_PER_ACCOUNT,
  phoneNumberOf,
  type ChannelState,
  type ConnectedChannel,
} from './channel.state.js';

/**
 * Another portal's account is refused exactly as an unknown one (same code, same sentence), so an
 * account id says nothing about other portals.
 */
export function decideChannel(command: ChannelCommand, state: ChannelState): ChannelEvent[] {
  const foreign = state.status !== 'NeverConnected' && state.portalId !== command.context.portalId;
  if (foreign && command.type !== 'ConnectAccount') refuseUnknownAccount(command.data.accountId);
  switch (command.type) {
    case 'ConnectAccount':
      if (command.data.reconnect && (foreign || state.status === 'NeverConnected'))
        refuseUnknownReconnection(command.data.accountId);
      if (foreign)
        refuse(
          'ACCOUNT_ALREADY_CLAIMED',
          `The account id ${command.data.accountId} is taken: connect without choosing one`,
        );
      return connect(command, state);
    case 'AddPhoneNumber':
      return addPhoneNumber(command, connected(state, command.data.accountId));
    case 'RemovePhoneNumber':
      return removePhoneNumber(command, connected(state, command.data.accountId));
    case 'MarkBusinessVerified':
      return markBusinessVerified(command, connected(state, command.data.accountId));
    case 'DisconnectAccount':
      return disconnect(command, state);
    default:
      return assertNever(command);
  }
}

function connect(command: ConnectAccount, state: ChannelState): ChannelEvent[] {
  const { accountId, wabaId, name, timeZone, accountType, businessVerified } = command.data;
  if (state.status === 'Connected')
    refuse('CHANNEL_ALREADY_CONNECTED', `WhatsApp account ${accountId} is already connected`);
  if (accountType !== 'business') {
    refuse('PERSONAL_ACCOUNT_NOT_ALLOWED', 'Only WhatsApp Business accounts can be connected, not personal ones');
  }
  if (!IANAZone.isValidZone(timeZone)) refuse('INVALID_TIME_ZONE', `'${timeZone}' is not an IANA time zone`);
  if (wabaId.trim() === '' || name.trim() === '')
    refuse('INVALID_COMMAND', 'A WhatsApp account needs its WABA id and a name');
  const phoneNumbers = normalisedPhoneNumbers(command.data.phoneNumbers);
  requireOwnership(command.data.ownership, wabaId, phoneNumbers);
  const at = command.context.now.toISOString();
  const { portalId } = command.context;
  return [
    {
      type: 'AccountConnected',
      data: { accountId, portalId, wabaId, name: name.trim(), timeZone, businessVerified, connectedAt: at },
    },
    ...phoneNumbers.map((number) => ({
      type: 'PhoneNumberAdded' as const,
      data: { accountId, ...number, addedAt: at, ownershipCheckedWith: command.data.ownership.checkedWith },
    })),
  ];
}

function addPhoneNumber(command: AddPhoneNumber, channel: ConnectedChannel): ChannelEvent[] {
  const { accountId, phoneNumberId } = command.data;
  const displayNumber = normaliseToE164(command.data.displayNumber);
  const existing = phoneNumberOf(channel, displayNumber);
  if (existing?.phoneNumberId === phoneNumberId) return [];
  if (existing || channel.phoneNumbers.some((number) => number.phoneNumberId === phoneNumberId)) {
    refuse(
      'INVALID_COMMAND',
      `${displayNumber} or its id ${phoneNumberId} is already on this account, paired otherwise`,
    );
  }
  if (channel.phoneNumbers.length >= MAX_PHONE_NUMBERS_PER_ACCOUNT) refuseTooMany();
  requireOwnership(command.data.ownership, channel.wabaId, [{ phoneNumberId, displayNumber }]);
  const addedAt = command.context.now.toISOString();
  const ownershipCheckedWith = command.data.ownership.checkedWith;
  return [
    { type: 'PhoneNumberAdded', data: { accountId, phoneNumberId, displayNumber, addedAt, ownershipCheckedWith } },
  ];
}

function removePhoneNumber(command: RemovePhoneNumber, channel: ConnectedChannel): ChannelEvent[] {
  const displayNumber = normaliseToE164(command.data.displayNumber);
  const number = phoneNumberOf(channel, displayNumber);
  if (!number) refuse('PHONE_NUMBER_NOT_ON_CHANNEL', `${displayNumber} is not a number of this WhatsApp account`);
  const { phoneNumberId } = number;
  const removedAt = command.context.now.toISOString();
  return [
    { type: 'PhoneNumberRemoved', data: { accountId: channel.accountId, phoneNumberId, displayNumber, removedAt } },
  ];
}

function markBusinessVerified(command: MarkBusinessVerified, channel: ConnectedChannel): ChannelEvent[] {
  if (channel.businessVerified) return [];
  return [
    { type: 'BusinessVerified', data: { accountId: channel.accountId, verifiedAt: command.context.now.toISOString() } },
  ];
}

/** Disconnecting twice is a no-op, so a retried disconnect can still finish releasing the numbers. */
function disconnect(command: DisconnectAccount, state: ChannelState): ChannelEvent[] {
  if (state.status === 'Disconnected') return [];
  const channel = connected(state, command.data.accountId);
  const releasedPhoneNumbers = channel.phoneNumbers.map((number) => number.displayNumber);
  const disconnectedAt = command.context.now.toISOString();
  return [
    { type: 'AccountDisconnected', data: { accountId: channel.accountId, releasedPhoneNumbers, disconnectedAt } },
  ];
}

function connected(state: ChannelState, accountId: string): ConnectedChannel {
  if (state.status !== 'Connected') refuseUnknownAccount(accountId);
  return state;
}

/** The one answer for an account id that is not connected to the caller's portal, whoever else has it. */
export function refuseUnknownAccount(accountId: string): never {
  return refuse('CHANNEL_NOT_CONNECTED', `WhatsApp account ${accountId} is not connected`);
}

function refuseUnknownReconnection(accountId: string): never {
  return refuse(
    'CHANNEL_NOT_CONNECTED',
    `WhatsApp account ${accountId} was never connected to this portal: connect it without an account id`,
  );
}

/** Every number must be one Meta lists under this very WABA, with this very phone_number_id. */
function requireOwnership(ownership: PhoneNumberOwnership, wabaId: string, numbers: readonly PhoneNumberInput[]): void {
  if (ownership.checkedWith === 'not-checked') return;
  if (ownership.wabaId !== wabaId || !ownership.found) {
    refuse('OWNERSHIP_NOT_VERIFIED', `Meta does not show WhatsApp Business Account ${wabaId} to this service`, {
      wabaId,
    });
  }
  for (const { phoneNumberId, displayNumber } of numbers) {
    const listed = ownership.phoneNumbers.some(
      (held) => held.phoneNumberId === phoneNumberId && held.displayNumber === displayNumber,
    );
    if (!listed) {
      refuse(
        'OWNERSHIP_NOT_VERIFIED',
        `Meta does not list ${displayNumber} with phone_number_id ${phoneNumberId} under WhatsApp Business Account ${wabaId}`,
        { wabaId, phoneNumberId, displayNumber },
      );
    }
  }
}

function normalisedPhoneNumbers(inputs: readonly PhoneNumberInput[]): PhoneNumberInput[] {
  if (inputs.length > MAX_PHONE_NUMBERS_PER_ACCOUNT) refuseTooMany();
  const numbers = inputs.map(({ phoneNumberId, displayNumber }) => ({
    phoneNumberId,
    displayNumber: normaliseToE164(displayNumber),
  }));
  const distinct = (values: string[]) => new Set(values).size === values.length;
  if (!distinct(numbers.map((n) => n.displayNumber)) || !distinct(numbers.map((n) => n.phoneNumberId))) {
    refuse('INVALID_COMMAND', 'A phone number (or phone number id) is listed twice');
  }
  return numbers;
}

function refuseTooMany(): never {
  return refuse(
    'TOO_MANY_PHONE_NUMBERS',
    `A WhatsApp account can have at most ${MAX_PHONE_NUMBERS_PER_ACCOUNT} phone numbers`,
  );
}
