import { loadState } from '@helpdesk/command-handling';
import {
  channelDecider,
  channelStreamName,
  fromWaId,
  normaliseToE164,
  phoneNumberClaimDecider,
  phoneNumberClaimStreamName,
  phoneNumberIdDecider,
  formerPhoneNumberIdStreamNames,
  phoneNumberIdStreamName,
  phoneNumberOf,
  refuse,
  type ChannelState,
  type ConnectedChannel,
  type PhoneNumberIdState,
} from '@helpdesk/domain';
import type { EventStore } from '@helpdesk/event-store';
import { RoutingCache } from './routing-cache.js';

export interface ChannelByNumber {
  readonly portalId: string;
  readonly accountId: string;
  /** Meta's id of the number: the one to send replies from. */
  readonly phoneNumberId: string;
  readonly channel: ConnectedChannel;
}

export async function loadChannel(store: EventStore, accountId: string): Promise<ChannelState> {
  return (await loadState(store, channelStreamName(accountId), channelDecider)).state;
}

/**
 * The connected channel a number belongs to, for routing inbound messages; null if no connected
 * account holds it. Takes E.164 or Meta's `display_phone_number` (digits, no '+').
 * Followed only when everything agrees: the number's claim names the account and portal, that
 * account is connected in that portal and lists the number under the id the claim names, and the
 * id's own claim is the same account's (or, for ids linked before id claims existed, the same number's).
 */
export async function findChannelByDisplayNumber(
  store: EventStore,
  displayNumber: string,
): Promise<ChannelByNumber | null> {
  const phoneNumber = /^\d+$/.test(displayNumber) ? fromWaId(displayNumber) : normaliseToE164(displayNumber);
  return RoutingCache.of<ChannelByNumber>(store).route(`display:${phoneNumber}`, () =>
    loadRouteByNumber(store, phoneNumber),
  );
}

async function loadRouteByNumber(
  store: EventStore,
  phoneNumber: string,
  /** The claim of the id the number should have, when the caller loaded it already. */
  loadedIdClaim?: { readonly phoneNumberId: string; readonly state: PhoneNumberIdState },
): Promise<ChannelByNumber | null> {
  const { state: claim } = await loadState(store, phoneNumberClaimStreamName(phoneNumber), phoneNumberClaimDecider);
  if (claim.status !== 'Claimed') return null;
  const channel = await loadChannel(store, claim.accountId);
  if (channel.status !== 'Connected' || channel.portalId !== claim.portalId) return null;
  const number = phoneNumberOf(channel, phoneNumber);
  if (!number || number.phoneNumberId !== claim.phoneNumberId) return null;
  const idClaim =
    loadedIdClaim?.phoneNumberId === number.phoneNumberId
      ? loadedIdClaim.state
      : await loadPhoneNumberIdClaim(store, number.phoneNumberId);
  const idHeld =
    idClaim.status === 'Claimed'
      ? idClaim.accountId === channel.accountId &&
        idClaim.portalId === channel.portalId &&
        idClaim.phoneNumber === phoneNumber
      : idClaim.status === 'Linked' && idClaim.phoneNumber === phoneNumber;
  if (!idHeld) return null;
  return { portalId: channel.portalId, accountId: channel.accountId, phoneNumberId: number.phoneNumberId, channel };
}

/**
 * As above, from the `phone_number_id` of Meta's webhook metadata: only an id held by the account
 * that holds its number. Served from memory while nothing changed the streams it is folded from
 * (`RoutingCache`); each of those streams is read once on a miss.
 */
export async function findChannelByPhoneNumberId(
  store: EventStore,
  phoneNumberId: string,
): Promise<ChannelByNumber | null> {
  return RoutingCache.of<ChannelByNumber>(store).route(phoneNumberId, () => loadRoute(store, phoneNumberId));
}

async function loadRoute(store: EventStore, phoneNumberId: string): Promise<ChannelByNumber | null> {
  const state = await loadPhoneNumberIdClaim(store, phoneNumberId);
  if (state.status === 'Unclaimed') return null;
  const found = await loadRouteByNumber(store, state.phoneNumber, { phoneNumberId, state });
  if (!found || found.phoneNumberId !== phoneNumberId) return null;
  if (state.status === 'Claimed' && (found.accountId !== state.accountId || found.portalId !== state.portalId))
    return null;
  return found;
}

/**
 * One of the portal's connected numbers, by Meta's `phone_number_id`, with its display number (E.164):
 * the number an agent sends from. Another portal's number answers exactly like an unknown one.
 */
export async function findPortalNumber(
  store: EventStore,
  portalId: string,
  phoneNumberId: string,
): Promise<{ route: ChannelByNumber; displayNumber: string }> {
  const route = await findChannelByPhoneNumberId(store, phoneNumberId);
  const number = route?.channel.phoneNumbers.find((held) => held.phoneNumberId === phoneNumberId);
  if (!route || !number || route.portalId !== portalId) {
    refuse('CHANNEL_NOT_CONNECTED', `No connected WhatsApp number of this portal has the id ${phoneNumberId}`, {
      phoneNumberId,
    });
  }
  return { route, displayNumber: number.displayNumber };
}

/** The id's claim, with what was written under its former stream name first. */
async function loadPhoneNumberIdClaim(store: EventStore, phoneNumberId: string): Promise<PhoneNumberIdState> {
  const olderNames = formerPhoneNumberIdStreamNames(phoneNumberId);
  return (await loadState(store, phoneNumberIdStreamName(phoneNumberId), phoneNumberIdDecider, { olderNames })).state;
}
