import { assertNever, refuse } from '../core/index.js';
import type {
  ClaimPhoneNumber,
  LinkPhoneNumberId,
  PhoneNumberClaimCommand,
  ReleasePhoneNumber,
} from './phone-number.commands.js';
import type { PhoneNumberClaimEvent, PhoneNumberIdEvent } from './phone-number.events.js';
import type { PhoneNumberClaimState, PhoneNumberIdState } from './phone-number.state.js';
import { isE164 } from './e164.js';

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
    if (state.accountId !== accountId) {
      refuse(
        'PHONE_NUMBER_ALREADY_CLAIMED',
        `${phoneNumber} is connected to another WhatsApp account; disconnect it there first`,
        { phoneNumber },
      );
    }
    if (state.portalId !== portalId) refuse('NOT_ALLOWED', `${phoneNumber} belongs to another portal`);
    return [];
  }
  const claimedAt = now.toISOString();
  return [{ type: 'PhoneNumberClaimed', data: { phoneNumber, accountId, portalId, phoneNumberId, claimedAt } }];
}

/** Only the holding account releases; anything else is a no-op so that compensations and retries stay harmless. */
function release(command: ReleasePhoneNumber, state: PhoneNumberClaimState): PhoneNumberClaimEvent[] {
  const { phoneNumber, accountId } = command.data;
  const { portalId, now } = command.context;
  if (state.status !== 'Claimed' || state.accountId !== accountId) return [];
  if (state.portalId !== portalId) refuse('NOT_ALLOWED', `${phoneNumber} belongs to another portal`);
  return [{ type: 'PhoneNumberReleased', data: { phoneNumber, accountId, portalId, releasedAt: now.toISOString() } }];
}

export function decidePhoneNumberId(command: LinkPhoneNumberId, state: PhoneNumberIdState): PhoneNumberIdEvent[] {
  const { phoneNumberId, phoneNumber } = command.data;
  if (!isE164(phoneNumber)) refuse('INVALID_PHONE_NUMBER', `'${phoneNumber}' is not an E.164 number`);
  if (state.phoneNumber === phoneNumber) return [];
  return [{ type: 'PhoneNumberIdLinked', data: { phoneNumberId, phoneNumber } }];
}
