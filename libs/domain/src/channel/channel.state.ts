import { assertNever } from '../core/index.js';
import type { ChannelEvent } from './channel.events.js';

export const MAX_PHONE_NUMBERS_PER_ACCOUNT = 25;

/** `addedAt`: when the number joined the account; messages to it from before then are not synced. */
export type ChannelPhoneNumber = Readonly<{ phoneNumberId: string; displayNumber: string; addedAt: string }>;

type AccountProfile = Readonly<{
  accountId: string;
  portalId: string;
  wabaId: string;
  name: string;
  timeZone: string;
  businessVerified: boolean;
  /** The latest connection: messages sent before it are not synced. */
  connectedAt: string;
}>;

export type NeverConnectedChannel = Readonly<{ status: 'NeverConnected' }>;
export type ConnectedChannel = AccountProfile &
  Readonly<{ status: 'Connected'; phoneNumbers: readonly ChannelPhoneNumber[] }>;
export type DisconnectedChannel = AccountProfile &
  Readonly<{ status: 'Disconnected'; disconnectedAt: string; releasedPhoneNumbers: readonly string[] }>;

export type ChannelState = NeverConnectedChannel | ConnectedChannel | DisconnectedChannel;

export const initialChannelState: ChannelState = { status: 'NeverConnected' };

export function evolveChannel(state: ChannelState, event: ChannelEvent): ChannelState {
  switch (event.type) {
    case 'AccountConnected':
      return { status: 'Connected', ...event.data, phoneNumbers: [] };
    case 'PhoneNumberAdded': {
      if (state.status !== 'Connected') return state;
      const { phoneNumberId, displayNumber, addedAt } = event.data;
      return { ...state, phoneNumbers: [...state.phoneNumbers, { phoneNumberId, displayNumber, addedAt }] };
    }
    case 'PhoneNumberRemoved': {
      if (state.status !== 'Connected') return state;
      const phoneNumbers = state.phoneNumbers.filter((number) => number.displayNumber !== event.data.displayNumber);
      return { ...state, phoneNumbers };
    }
    case 'BusinessVerified':
      return state.status === 'NeverConnected' ? state : { ...state, businessVerified: true };
    case 'AccountDisconnected': {
      if (state.status !== 'Connected') return state;
      const { phoneNumbers: _released, ...profile } = state;
      const { disconnectedAt, releasedPhoneNumbers } = event.data;
      return { ...profile, status: 'Disconnected', disconnectedAt, releasedPhoneNumbers };
    }
    default:
      return assertNever(event);
  }
}

export function phoneNumberOf(channel: ConnectedChannel, displayNumber: string): ChannelPhoneNumber | undefined {
  return channel.phoneNumbers.find((number) => number.displayNumber === displayNumber);
}

/**
 * Only messages sent after a number was connected are synced: its own connection is the later of
 * the account's and the number's, so a number added to a connected account imports nothing older.
 */
export function numberConnectedAt(channel: ConnectedChannel, number: ChannelPhoneNumber): string {
  return Date.parse(number.addedAt) > Date.parse(channel.connectedAt) ? number.addedAt : channel.connectedAt;
}
