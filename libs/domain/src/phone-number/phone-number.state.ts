import { assertNever } from '../core/index.js';
import type { PhoneNumberClaimEvent, PhoneNumberIdEvent } from './phone-number.events.js';

export type PhoneNumberClaimState =
  | Readonly<{ status: 'Unclaimed' }>
  | Readonly<{ status: 'Claimed'; phoneNumber: string; accountId: string; portalId: string; phoneNumberId: string }>;

export const initialPhoneNumberClaimState: PhoneNumberClaimState = { status: 'Unclaimed' };

export function evolvePhoneNumberClaim(
  _state: PhoneNumberClaimState,
  event: PhoneNumberClaimEvent,
): PhoneNumberClaimState {
  switch (event.type) {
    case 'PhoneNumberClaimed': {
      const { phoneNumber, accountId, portalId, phoneNumberId } = event.data;
      return { status: 'Claimed', phoneNumber, accountId, portalId, phoneNumberId };
    }
    case 'PhoneNumberReleased':
      return { status: 'Unclaimed' };
    default:
      return assertNever(event);
  }
}

/**
 * `Linked`: only the legacy index event was written (before claims of ids existed); the id stays
 * paired with that display number, and only the holder of that number's claim may claim the id.
 */
export type PhoneNumberIdState =
  | Readonly<{ status: 'Unclaimed' }>
  | Readonly<{ status: 'Linked'; phoneNumberId: string; phoneNumber: string }>
  | Readonly<{ status: 'Claimed'; phoneNumberId: string; phoneNumber: string; accountId: string; portalId: string }>;

export const initialPhoneNumberIdState: PhoneNumberIdState = { status: 'Unclaimed' };

export function evolvePhoneNumberId(state: PhoneNumberIdState, event: PhoneNumberIdEvent): PhoneNumberIdState {
  switch (event.type) {
    case 'PhoneNumberIdLinked':
      return state.status === 'Claimed' ? state : { status: 'Linked', ...event.data };
    case 'PhoneNumberIdClaimed': {
      const { phoneNumberId, phoneNumber, accountId, portalId } = event.data;
      return { status: 'Claimed', phoneNumberId, phoneNumber, accountId, portalId };
    }
    case 'PhoneNumberIdReleased':
      return { status: 'Unclaimed' };
    default:
      return assertNever(event);
  }
}
