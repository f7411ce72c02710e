import { assertNever } from '../core/index.js';
import type { PhoneNumberClaimEvent, PhoneNumberIdEvent } from './phone-number.events.js';

export type PhoneNumberClaimState =
  | Readonly<{ status: 'Unclaimed' }>
  | Readonly<{ status: 'Claimed'; phoneNumber: string; accountId: string; portalId: string; phoneNumberId: string }>;

export const initialPhoneNumberClaimState: PhoneNumberClaimState = { status: 'Unclaimed' };

export function evolvePhoneNumberClaim(_state: PhoneNumberClaimState, event: PhoneNumberClaimEvent): PhoneNumberClaimState {
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

export type PhoneNumberIdState = Readonly<{ phoneNumber: string | null }>;

export const initialPhoneNumberIdState: PhoneNumberIdState = { phoneNumber: null };

export function evolvePhoneNumberId(_state: PhoneNumberIdState, event: PhoneNumberIdEvent): PhoneNumberIdState {
  return { phoneNumber: event.data.phoneNumber };
}
