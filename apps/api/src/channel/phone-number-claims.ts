import { handleCommand, loadState, type Causation } from '@helpdesk/command-handling';
import {
  channelDecider,
  channelStream,
  phoneNumberClaimDecider,
  phoneNumberClaimStream,
  phoneNumberIdDecider,
  phoneNumberIdStream,
  type AddPhoneNumber,
  type ChannelEvent,
  type ChannelPhoneNumber,
  type ChannelState,
  type ClaimPhoneNumber,
  type CommandContext,
  type ConnectAccount,
  type LinkPhoneNumberId,
  type ReleasePhoneNumber,
} from '@helpdesk/domain';
import type { EventStore } from '@helpdesk/event-store';
import { causationFrom, contextFrom, type CommandOrigin } from '../shared/command-origin.js';

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
 * Numbers are claimed in their own streams before the account lists them: a claim stream's
 * expected revision settles a race between portals, which no single account stream could.
 * Claims go in sorted order, so accounts racing for overlapping numbers meet on the same first
 * number and exactly one wins. If the account then refuses, the new claims are released.
 */
export async function appendWithClaims(
  request: ChannelRequest,
  store: EventStore,
  command: ConnectAccount | AddPhoneNumber,
): Promise<ChannelState> {
  const stream = channelStream(command.data.accountId);
  const { state } = await loadState(store, stream, channelDecider);
  const numbers = addedPhoneNumbers(channelDecider.decide(command, state));
  const claimed = await claimPhoneNumbers(request, store, command.data.accountId, numbers);
  try {
    return (await handleCommand(store, stream, channelDecider, command, { causation: request.causation })).state;
  } catch (error) {
    await releasePhoneNumbers(request, store, command.data.accountId, claimed).catch((releaseError: unknown) => {
      throw new AggregateError([error, releaseError], 'The account was not changed, and releasing its new claims failed');
    });
    throw error;
  }
}

/** Returns the numbers this call newly claimed; on a refusal, releases them and rethrows. */
async function claimPhoneNumbers(
  request: ChannelRequest,
  store: EventStore,
  accountId: string,
  numbers: readonly ChannelPhoneNumber[],
): Promise<string[]> {
  const claimed: string[] = [];
  const { causation } = request;
  try {
    for (const { displayNumber: phoneNumber, phoneNumberId } of [...numbers].sort(byDisplayNumber)) {
      const claim: ClaimPhoneNumber = {
        type: 'ClaimPhoneNumber',
        data: { phoneNumber, accountId, phoneNumberId },
        context: stepContext(request, 'claim'),
      };
      const { events } = await handleCommand(store, phoneNumberClaimStream(phoneNumber), phoneNumberClaimDecider, claim, {
        causation,
      });
      if (events.length > 0) claimed.push(phoneNumber);
      const link: LinkPhoneNumberId = {
        type: 'LinkPhoneNumberId',
        data: { phoneNumberId, phoneNumber },
        context: stepContext(request, 'link'),
      };
      await handleCommand(store, phoneNumberIdStream(phoneNumberId), phoneNumberIdDecider, link, { causation });
    }
    return claimed;
  } catch (error) {
    await releasePhoneNumbers(request, store, accountId, claimed);
    throw error;
  }
}

/** A no-op for numbers the account does not hold, so it is safe to repeat after a crash. */
export async function releasePhoneNumbers(
  request: ChannelRequest,
  store: EventStore,
  accountId: string,
  phoneNumbers: readonly string[],
): Promise<void> {
  for (const phoneNumber of phoneNumbers) {
    const release: ReleasePhoneNumber = {
      type: 'ReleasePhoneNumber',
      data: { phoneNumber, accountId },
      context: stepContext(request, 'release'),
    };
    await handleCommand(store, phoneNumberClaimStream(phoneNumber), phoneNumberClaimDecider, release, {
      causation: request.causation,
    });
  }
}

function addedPhoneNumbers(events: readonly ChannelEvent[]): ChannelPhoneNumber[] {
  return events.flatMap((event) => (event.type === 'PhoneNumberAdded' ? [event.data] : []));
}

function byDisplayNumber(a: ChannelPhoneNumber, b: ChannelPhoneNumber): number {
  return a.displayNumber < b.displayNumber ? -1 : a.displayNumber > b.displayNumber ? 1 : 0;
}

/** A claim and its compensation may land in one stream for one request: each step needs its own idempotency key. */
function stepContext({ origin, now }: ChannelRequest, step: string): CommandContext {
  return contextFrom({ ...origin, idempotencyKey: origin.idempotencyKey && `${origin.idempotencyKey}:${step}` }, now);
}
