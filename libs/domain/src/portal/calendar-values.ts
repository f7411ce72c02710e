import { DateTime, IANAZone } from 'luxon';
import { refuse } from '../core/index.js';

/**
 * Parsing of the calendar values commands carry. Nothing here reads the process's own time
 * zone: an instant must state its offset, and a zone is resolved to its canonical IANA name.
 */
export function canonicalTimeZone(timeZone: string): string {
  if (!IANAZone.isValidZone(timeZone)) {
    refuse('INVALID_TIME_ZONE', `'${timeZone}' is not an IANA time zone`, { timeZone });
  }
  return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
}

/** A 'YYYY-MM-DD' that exists in the calendar (no 30 February). */
export function calendarDate(value: string): string {
  const isDate = /^\d{4}-\d{2}-\d{2}$/.test(value) && DateTime.fromISO(value, { zone: 'utc' }).isValid;
  if (!isDate) refuse('INVALID_DATE', `'${value}' is not a calendar date (YYYY-MM-DD)`, { value });
  return value;
}

/** An ISO-8601 instant with an explicit offset, normalised to UTC ('2024-11-01T00:00:00.000Z'). */
export function isoInstant(value: string): string {
  const hasOffset = /T.*(Z|[+-]\d{2}:?\d{2})$/i.test(value);
  const parsed = DateTime.fromISO(value, { setZone: true });
  if (!hasOffset || !parsed.isValid) {
    refuse('INVALID_DATE', `'${value}' is not an ISO instant with an offset`, { value });
  }
  return parsed.toUTC().toISO()!;
}

/** A conversation limit: a positive whole number. */
export function conversationLimit(value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    refuse('INVALID_LIMIT', `A monthly conversation limit must be a positive whole number, not ${value}`, { value });
  }
  return value;
}
