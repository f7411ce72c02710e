import { toWaId } from './e164.js';

/** One stream per number across all portals: its expected revision is what makes claims race-free. */
export function phoneNumberClaimStream(e164: string): string {
  return `phone-number-${toWaId(e164)}`;
}

export function phoneNumberIdStream(phoneNumberId: string): string {
  return `phone-number-id-${phoneNumberId}`;
}
