import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { refuse } from '../core/index.js';

/** Digits, spaces and the usual punctuation; letters ("call me at ...") are refused, not guessed around. */
const DIALABLE = /^\+?[\d\s().\-/]+$/;

/** Numbers normalised lately: parsing one costs more than the rest of routing a message to it. */
const NORMALISED_LIMIT = 10_000;
const normalised = new Map<string, string>();

/**
 * One spelling per number, so contacts, channels and inbound messages compare equal.
 * "Possible" (right length for the country) rather than "valid" (a known range): Meta's own
 * test numbers (+1 555 ...) and many real ranges newer than the metadata must still pass.
 */
export function normaliseToE164(input: string, defaultCountry?: string): string {
  const key = `${defaultCountry ?? ''}|${input}`;
  const known = normalised.get(key);
  if (known !== undefined) return known;
  const e164 = parseToE164(input, defaultCountry);
  if (normalised.size >= NORMALISED_LIMIT) normalised.clear();
  normalised.set(key, e164);
  return e164;
}

function parseToE164(input: string, defaultCountry?: string): string {
  const trimmed = input.trim();
  if (!DIALABLE.test(trimmed)) refuse('INVALID_PHONE_NUMBER', `'${input}' is not a phone number`, { input });
  const country = defaultCountry?.toUpperCase() as CountryCode | undefined;
  const parsed = parsePhoneNumberFromString(trimmed, country);
  if (!parsed?.isPossible()) {
    refuse(
      'INVALID_PHONE_NUMBER',
      `'${input}' is not a phone number${country ? ` (default country ${country})` : ''}`,
      {
        input,
      },
    );
  }
  return parsed.number;
}

export function isE164(value: string): boolean {
  return /^\+[1-9]\d{6,14}$/.test(value);
}

/** WhatsApp's `wa_id` and `display_phone_number`: the E.164 digits without the '+'. */
export function toWaId(e164: string): string {
  if (!isE164(e164)) refuse('INVALID_PHONE_NUMBER', `'${e164}' is not an E.164 number`, { input: e164 });
  return e164.slice(1);
}

export function fromWaId(waId: string): string {
  if (!/^\d+$/.test(waId.trim())) refuse('INVALID_PHONE_NUMBER', `'${waId}' is not a WhatsApp id`, { input: waId });
  return normaliseToE164(`+${waId.trim()}`);
}
