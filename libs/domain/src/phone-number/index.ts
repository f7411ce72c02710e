import type { Decider } from '../core/index.js';
import type { PhoneNumberClaimCommand, PhoneNumberIdCommand } from './phone-number.commands.js';
import { decidePhoneNumberClaim, decidePhoneNumberId } from './phone-number.decide.js';
import type { PhoneNumberClaimEvent, PhoneNumberIdEvent } from './phone-number.events.js';
import {
  evolvePhoneNumberClaim,
  evolvePhoneNumberId,
  initialPhoneNumberClaimState,
  initialPhoneNumberIdState,
  type PhoneNumberClaimState,
  type PhoneNumberIdState,
} from './phone-number.state.js';

export const phoneNumberClaimDecider: Decider<PhoneNumberClaimCommand, PhoneNumberClaimEvent, PhoneNumberClaimState> = {
  decide: decidePhoneNumberClaim,
  evolve: evolvePhoneNumberClaim,
  initialState: initialPhoneNumberClaimState,
};

export const phoneNumberIdDecider: Decider<PhoneNumberIdCommand, PhoneNumberIdEvent, PhoneNumberIdState> = {
  decide: decidePhoneNumberId,
  evolve: evolvePhoneNumberId,
  initialState: initialPhoneNumberIdState,
};

export * from './e164.js';
export type * from './phone-number.commands.js';
export type * from './phone-number.events.js';
export type { PhoneNumberClaimState, PhoneNumberIdState } from './phone-number.state.js';
