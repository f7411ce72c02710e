import { DateTime, IANAZone } from 'luxon';
import { refuse } from '../core/index.js';
import { calendarDate } from '../portal/calendar-values.js';

/** One month of a portal's conversation quota: [startsAt, resetsAt). */
export interface MonthlyPeriod {
  /** The local date the period starts on, 'YYYY-MM-DD': names the period's stream. */
  readonly key: string;
  readonly startsAt: string;
  readonly resetsAt: string;
}

export interface PeriodAnchor {
  /** 'YYYY-MM-DD': its day of the month is the reset day. */
  readonly subscriptionStartedOn: string;
  readonly timeZone: string;
}

/**
 * The quota resets at local midnight on the subscription's day of the month, in the portal's
 * time zone; a day the month does not have (29 to 31) falls on the month's last day.
 * An instant exactly at a reset belongs to the new period.
 */
export function monthlyPeriodContaining(instant: Date, anchor: PeriodAnchor): MonthlyPeriod {
  const local = zonedTime(instant, anchor.timeZone);
  const resetDay = Number(calendarDate(anchor.subscriptionStartedOn).slice(8, 10));
  const thisMonth = DateTime.utc(local.year, local.month);
  const resetThisMonth = resetIn(thisMonth, resetDay, anchor.timeZone);
  const startMonth = resetThisMonth.toMillis() <= instant.getTime() ? thisMonth : thisMonth.minus({ months: 1 });
  const startsAt = resetIn(startMonth, resetDay, anchor.timeZone);
  const resetsAt = resetIn(startMonth.plus({ months: 1 }), resetDay, anchor.timeZone);
  return { key: startsAt.toISODate()!, startsAt: isoOf(startsAt), resetsAt: isoOf(resetsAt) };
}

/** The local calendar date of `instant` in `timeZone`, 'YYYY-MM-DD'. */
export function calendarDayIn(instant: Date, timeZone: string): string {
  return zonedTime(instant, timeZone).toISODate()!;
}

function resetIn(month: DateTime, resetDay: number, timeZone: string): DateTime {
  const day = Math.min(resetDay, month.daysInMonth!);
  return startOfLocalDay(month.year, month.month, day, timeZone);
}

/**
 * The first instant of a local day. Where clocks spring forward over midnight, luxon already
 * moves to the first time that exists; where they fall back onto midnight (America/Havana),
 * midnight happens twice and luxon picks the second, so step back to the first.
 */
function startOfLocalDay(year: number, month: number, day: number, timeZone: string): DateTime {
  const midnight = DateTime.fromObject({ year, month, day }, { zone: timeZone });
  const justBefore = DateTime.fromMillis(midnight.toMillis() - 1, { zone: timeZone });
  if (justBefore.toISODate() !== midnight.toISODate()) return midnight;
  return midnight.minus({ minutes: justBefore.offset - midnight.offset });
}

function zonedTime(instant: Date, timeZone: string): DateTime {
  if (!IANAZone.isValidZone(timeZone)) {
    refuse('INVALID_TIME_ZONE', `'${timeZone}' is not an IANA time zone`, { timeZone });
  }
  return DateTime.fromJSDate(instant, { zone: timeZone });
}

function isoOf(time: DateTime): string {
  return time.toJSDate().toISOString();
}
