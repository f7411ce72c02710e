import { handleCommand, loadState, type Causation } from '@helpdesk/command-handling';
import {
  channelDecider,
  channelStreamName,
  phoneNumberClaimDecider,
  phoneNumberClaimStreamName,
  phoneNumberIdDecider,
  formerPhoneNumberIdStreamNames,
  phoneNumberIdStreamName,
  wabaClaimDecider,
  wabaClaimStreamName,
  type AddPhoneNumber,
  type ChannelEvent,
  type ChannelState,
  type CommandContext,
  type ConnectAccount,
  type PhoneNumberOwnership,
} from '@helpdesk/domain';
import type { EventStore } from '@helpdesk/event-store';
import { causationFrom, contextFrom, type CommandOrigin } from '../shared/command-origin.js';
import type { PhoneNumberOwnershipCheck } from './phone-number-ownership.js';

/** One request touches several streams: they share its time and correlation. */
export interface ChannelRequest {
  readonly origin: CommandOrigin;
  readonly now: Date;
  readonly causation: Causation;
}

export function channelRequest(origin: CommandOrigin, now: Date): ChannelRequest {
  return { origin, now, causation: causationFrom(origin) };
}

/**
 * One external identifier held by one account: Meta's WABA id, a display number (E.164), or Meta's
 * `phone_number_id` (with the display number Meta pairs it with).
 */
export type Claim =
  | { readonly kind: 'waba'; readonly wabaId: string }
  | { readonly kind: 'number'; readonly phoneNumber: string; readonly phoneNumberId: string }
  | { readonly kind: 'number-id'; readonly phoneNumberId: string; readonly phoneNumber: string };

export function claimStreamOf(claim: Claim): string {
  switch (claim.kind) {
    case 'waba':
      return wabaClaimStreamName(claim.wabaId);
    case 'number':
      return phoneNumberClaimStreamName(claim.phoneNumber);
    case 'number-id':
      return phoneNumberIdStreamName(claim.phoneNumberId);
  }
}

/** Where the claim was written under a former name: folded before `claimStreamOf`, never written. */
function olderNamesOf(claim: Claim): string[] {
  return claim.kind === 'number-id' ? formerPhoneNumberIdStreamNames(claim.phoneNumberId) : [];
}

/**
 * Every identifier is claimed in its own stream before the account lists it: a claim stream's
 * expected revision settles a race between portals, which no single account stream could. Claims
 * go in the order of their stream names, so accounts racing for overlapping identifiers meet on the
 * same first one and exactly one wins. If a claim or then the account refuses, the new claims are
 * released. The command carries Meta's answer on ownership (checked by the handler before this).
 */
export async function appendWithClaims(
  request: ChannelRequest,
  store: EventStore,
  ownershipCheck: PhoneNumberOwnershipCheck,
  draft: ConnectAccountDraft | AddPhoneNumberDraft,
): Promise<ChannelState> {
  const { accountId } = draft.data;
  const stream = channelStreamName(accountId);
  const { state } = await loadState(store, stream, channelDecider);
  // A dry run without Meta's answer: what the account alone refuses (another portal's or an unknown
  // account, a personal one, too many numbers, ...) is refused before Meta is asked, and a retry that
  // changes nothing does not ask at all.
  const unchecked = { ...draft, data: { ...draft.data, ownership: NOT_CHECKED } } as ConnectAccount | AddPhoneNumber;
  if (channelDecider.decide(unchecked, state).length === 0) return state;
  const wabaId = draft.type === 'ConnectAccount' ? draft.data.wabaId : state.status === 'Connected' ? state.wabaId : '';
  const ownership = await ownershipCheck.phoneNumbersOf(wabaId);
  const command = { ...draft, data: { ...draft.data, ownership } } as ConnectAccount | AddPhoneNumber;
  const claims = claimsOf(channelDecider.decide(command, state));
  const claimed = await takeClaims(request, store, accountId, claims);
  try {
    return (await handleCommand(store, stream, channelDecider, command, { causation: request.causation })).state;
  } catch (error) {
    await releaseClaims(request, store, accountId, claimed).catch((releaseError: unknown) => {
      throw new AggregateError(
        [error, releaseError],
        'The account was not changed, and releasing its new claims failed',
      );
    });
    throw error;
  }
}

const NOT_CHECKED: PhoneNumberOwnership = { checkedWith: 'not-checked' };

/** A command as the handler receives it: Meta's answer on ownership is added by `appendWithClaims`. */
export type ConnectAccountDraft = Omit<ConnectAccount, 'data'> & {
  readonly data: Omit<ConnectAccount['data'], 'ownership'>;
};
export type AddPhoneNumberDraft = Omit<AddPhoneNumber, 'data'> & {
  readonly data: Omit<AddPhoneNumber['data'], 'ownership'>;
};

/** Returns the claims this call newly took; on a refusal, releases them and rethrows. */
async function takeClaims(
  request: ChannelRequest,
  store: EventStore,
  accountId: string,
  claims: readonly Claim[],
): Promise<Claim[]> {
  const claimed: Claim[] = [];
  const { causation } = request;
  const context = stepContext(request, 'claim');
  try {
    for (const claim of [...claims].sort((a, b) => compare(claimStreamOf(a), claimStreamOf(b)))) {
      const stream = claimStreamOf(claim);
      const options = { causation, olderNames: olderNamesOf(claim) };
      const { events } =
        claim.kind === 'waba'
          ? await handleCommand(
              store,
              stream,
              wabaClaimDecider,
              { type: 'ClaimWaba', data: { wabaId: claim.wabaId, accountId }, context },
              options,
            )
          : claim.kind === 'number'
            ? await handleCommand(
                store,
                stream,
                phoneNumberClaimDecider,
                {
                  type: 'ClaimPhoneNumber',
                  data: { phoneNumber: claim.phoneNumber, phoneNumberId: claim.phoneNumberId, accountId },
                  context,
                },
                options,
              )
            : await handleCommand(
                store,
                stream,
                phoneNumberIdDecider,
                {
                  type: 'ClaimPhoneNumberId',
                  data: { phoneNumberId: claim.phoneNumberId, phoneNumber: claim.phoneNumber, accountId },
                  context,
                },
                options,
              );
      if (events.length > 0) claimed.push(claim);
    }
    return claimed;
  } catch (error) {
    await releaseClaims(request, store, accountId, claimed);
    throw error;
  }
}

/** Releases exactly these claims; each release is a no-op unless this account holds the claim. */
export async function releaseClaims(
  request: ChannelRequest,
  store: EventStore,
  accountId: string,
  claims: readonly Claim[],
): Promise<void> {
  const { causation } = request;
  const context = stepContext(request, 'release');
  for (const claim of claims) {
    const stream = claimStreamOf(claim);
    const options = { causation, olderNames: olderNamesOf(claim) };
    if (claim.kind === 'waba') {
      await handleCommand(
        store,
        stream,
        wabaClaimDecider,
        { type: 'ReleaseWaba', data: { wabaId: claim.wabaId, accountId }, context },
        options,
      );
    } else if (claim.kind === 'number') {
      const data = { phoneNumber: claim.phoneNumber, accountId };
      await handleCommand(
        store,
        stream,
        phoneNumberClaimDecider,
        { type: 'ReleasePhoneNumber', data, context },
        options,
      );
    } else {
      const data = { phoneNumberId: claim.phoneNumberId, accountId };
      await handleCommand(
        store,
        stream,
        phoneNumberIdDecider,
        { type: 'ReleasePhoneNumberId', data, context },
        options,
      );
    }
  }
}

/**
 * Releases the numbers (E.164) and, first, the `phone_number_id` each number's claim names, so a
 * crash in between leaves the number's claim, which a retry finds and finishes. A no-op for numbers
 * the account does not hold, so it is safe to repeat after a crash.
 */
export async function releasePhoneNumbers(
  request: ChannelRequest,
  store: EventStore,
  accountId: string,
  phoneNumbers: readonly string[],
): Promise<void> {
  for (const phoneNumber of phoneNumbers) {
    const { state } = await loadState(store, phoneNumberClaimStreamName(phoneNumber), phoneNumberClaimDecider);
    const held =
      state.status === 'Claimed' && state.accountId === accountId && state.portalId === request.origin.portalId;
    const claims: Claim[] = [
      ...(held ? [{ kind: 'number-id' as const, phoneNumberId: state.phoneNumberId, phoneNumber }] : []),
      { kind: 'number', phoneNumber, phoneNumberId: held ? state.phoneNumberId : '' },
    ];
    await releaseClaims(request, store, accountId, claims);
  }
}

/** The disconnected account's WABA id, released last (after its numbers). */
export async function releaseWaba(
  request: ChannelRequest,
  store: EventStore,
  accountId: string,
  wabaId: string,
): Promise<void> {
  await releaseClaims(request, store, accountId, [{ kind: 'waba', wabaId }]);
}

function claimsOf(events: readonly ChannelEvent[]): Claim[] {
  return events.flatMap((event): Claim[] => {
    if (event.type === 'AccountConnected') return [{ kind: 'waba', wabaId: event.data.wabaId }];
    if (event.type !== 'PhoneNumberAdded') return [];
    const { displayNumber: phoneNumber, phoneNumberId } = event.data;
    return [
      { kind: 'number', phoneNumber, phoneNumberId },
      { kind: 'number-id', phoneNumberId, phoneNumber },
    ];
  });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A claim and its compensation may land in one stream for one request: each step needs its own idempotency key. */
function stepContext({ origin, now }: ChannelRequest, step: string): CommandContext {
  return contextFrom({ ...origin, idempotencyKey: origin.idempotencyKey && `${origin.idempotencyKey}:${step}` }, now);
}
