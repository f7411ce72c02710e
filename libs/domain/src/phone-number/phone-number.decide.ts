import { assertNever, refuse } from '../core/index.js';
import type {
  ClaimPhoneNumber,
  ClaimPhoneNumberId,
  PhoneNumberClaimCommand,
  PhoneNumberIdCommand,
  ReleasePhoneNumber,
  ReleasePhoneNumberId,
} from './phone-number.commands.js';
import type { PhoneNumberClaimEvent, PhoneNumberIdEvent } from './phone-number.events.js';
import type { PhoneNumberClaimState, PhoneNumberIdState } from './phone-number.state.js';
import { isE164 } from './e164.js';

/**
 * Whoever holds a claim, the answer to anyone else is the same: which portal (or whether any portal
 * of this service) holds it is not the caller's business.
 */
export function decidePhoneNumberClaim(
  command: PhoneNumberClaimCommand,
  state: PhoneNumberClaimState,
): PhoneNumberClaimEvent[] {
  if (!isE164(command.data.phoneNumber)) {
    refuse('INVALID_PHONE_NUMBER', `'${command.data.phoneNumber}' is not an E.164 number`);
  }
  switch (command.type) {
    case 'ClaimPhoneNumber':
      return claim(command, state);
    case 'ReleasePhoneNumber':
      return release(command, state);
    default:
      return assertNever(command);
  }
}

function claim(command: ClaimPhoneNumber, state: PhoneNumberClaimState): PhoneNumberClaimEvent[] {
  const { phoneNumber, accountId, phoneNumberId } = command.data;
  const { portalId, now } = command.context;
  if (state.status === 'Claimed') {
    if (state.accountId !== accountId || state.portalId !== portalId) refuseNumberClaimed(phoneNumber);
    return [];
  }
  const claimedAt = now.toISOString();
  return [{ type: 'PhoneNumberClaimed', data: { phoneNumber, accountId, portalId, phoneNumberId, claimedAt } }];
}

/** Only the holding account releases; anything else is a no-op so that compensations and retries stay harmless. */
function release(command: ReleasePhoneNumber, state: PhoneNumberClaimState): PhoneNumberClaimEvent[] {
  const { phoneNumber, accountId } = command.data;
  const { portalId, now } = command.context;
  if (state.status !== 'Claimed' || state.accountId !== accountId || state.portalId !== portalId) return [];
  return [{ type: 'PhoneNumberReleased', data: { phoneNumber, accountId, portalId, releasedAt: now.toISOString() } }];
}

function refuseNumberClaimed(phoneNumber: string): never {
  return refuse(
    'PHONE_NUMBER_ALREADY_CLAIMED',
    `${phoneNumber} is connected to another WhatsApp account; disconnect it there first`,
    { phoneNumber },
  );
}

/**
 * Meta's `phone_number_id` is what routing and sending trust, so it is claimed like the display
 * number: listing it again from another account never moves it.
 */
export function decidePhoneNumberId(command: PhoneNumberIdCommand, state: PhoneNumberIdState): PhoneNumberIdEvent[] {
  switch (command.type) {
    case 'ClaimPhoneNumberId':
      return claimId(command, state);
    case 'ReleasePhoneNumberId':
      return releaseId(command, state);
    default:
      return assertNever(command);
  }
}

function claimId(command: ClaimPhoneNumberId, state: PhoneNumberIdState): PhoneNumberIdEvent[] {
  const { phoneNumberId, phoneNumber, accountId } = command.data;
  const { portalId, now } = command.context;
  if (phoneNumberId.trim() === '') refuse('INVALID_COMMAND', 'A phone number needs its phone_number_id');
  if (!isE164(phoneNumber)) refuse('INVALID_PHONE_NUMBER', `'${phoneNumber}' is not an E.164 number`);
  if (state.status === 'Claimed') {
    if (state.accountId !== accountId || state.portalId !== portalId || state.phoneNumber !== phoneNumber) {
      refuseIdClaimed(phoneNumberId);
    }
    return [];
  }
  // A legacy link pairs the id with one display number; the caller already holds that number's claim.
  if (state.status === 'Linked' && state.phoneNumber !== phoneNumber) refuseIdClaimed(phoneNumberId);
  const claimedAt = now.toISOString();
  return [{ type: 'PhoneNumberIdClaimed', data: { phoneNumberId, phoneNumber, accountId, portalId, claimedAt } }];
}

function releaseId(command: ReleasePhoneNumberId, state: PhoneNumberIdState): PhoneNumberIdEvent[] {
  const { phoneNumberId, accountId } = command.data;
  const { portalId, now } = command.context;
  if (state.status !== 'Claimed' || state.accountId !== accountId || state.portalId !== portalId) return [];
  return [
    { type: 'PhoneNumberIdReleased', data: { phoneNumberId, accountId, portalId, releasedAt: now.toISOString() } },
  ];
}

function refuseIdClaimed(phoneNumberId: string): never {
  return refuse(
    'PHONE_NUMBER_ALREADY_CLAIMED',
    `Phone number id ${phoneNumberId} is connected to another WhatsApp account; disconnect it there first`,
    { phoneNumberId },
  );
}
