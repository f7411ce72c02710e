import { loadState } from '@helpdesk/command-handling';
import {
  channelDecider,
  channelStream,
  fromWaId,
  normaliseToE164,
  phoneNumberClaimDecider,
  phoneNumberClaimStream,
  phoneNumberIdDecider,
  phoneNumberIdStream,
  phoneNumberOf,
  type ChannelState,
  type ConnectedChannel,
} from '@helpdesk/domain';
import type { EventStore } from '@helpdesk/event-store';

export interface ChannelByNumber {
  readonly portalId: string;
  readonly accountId: string;
  /** Meta's id of the number: the one to send replies from. */
  readonly phoneNumberId: string;
  readonly channel: ConnectedChannel;
}

export async function loadChannel(store: EventStore, accountId: string): Promise<ChannelState> {
  return (await loadState(store, channelStream(accountId), channelDecider)).state;
}

/**
 * The connected channel a number belongs to, for routing inbound messages; null if no connected
 * account holds it. Takes E.164 or Meta's `display_phone_number` (digits, no '+').
 * The claim says which account holds the number; the account must still list it.
 */
export async function findChannelByDisplayNumber(store: EventStore, displayNumber: string): Promise<ChannelByNumber | null> {
  const phoneNumber = /^\d+$/.test(displayNumber) ? fromWaId(displayNumber) : normaliseToE164(displayNumber);
  const { state: claim } = await loadState(store, phoneNumberClaimStream(phoneNumber), phoneNumberClaimDecider);
  if (claim.status !== 'Claimed') return null;
  const channel = await loadChannel(store, claim.accountId);
  const number = channel.status === 'Connected' ? phoneNumberOf(channel, phoneNumber) : undefined;
  if (channel.status !== 'Connected' || !number) return null;
  return { portalId: channel.portalId, accountId: channel.accountId, phoneNumberId: number.phoneNumberId, channel };
}

/** As above, from the `phone_number_id` of Meta's webhook metadata. */
export async function findChannelByPhoneNumberId(store: EventStore, phoneNumberId: string): Promise<ChannelByNumber | null> {
  const { state } = await loadState(store, phoneNumberIdStream(phoneNumberId), phoneNumberIdDecider);
  if (state.phoneNumber === null) return null;
  const found = await findChannelByDisplayNumber(store, state.phoneNumber);
  return found?.phoneNumberId === phoneNumberId ? found : null;
}
