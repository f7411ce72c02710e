import { DomainError } from '../core/index.js';
import { calendarDayIn, MonthlyPeriod, monthlyPeriodContaining, PeriodAnchor } from './periods.js';

const utcOn = (subscriptionStartedOn: string): PeriodAnchor => ({ subscriptionStartedOn, timeZone: 'UTC' });
const periodAt = (instant: string, anchor: PeriodAnchor) => monthlyPeriodContaining(new Date(instant), anchor);

/** The period keys of successive periods, following each period's reset into the next one. */
function periodKeysFrom(instant: string, anchor: PeriodAnchor, count: number): string[] {
  const keys: string[] = [];
  let period: MonthlyPeriod = periodAt(instant, anchor);
  for (let index = 0; index < count; index++) {
    keys.push(period.key);
    const next = periodAt(period.resetsAt, anchor);
    expect(next.startsAt).toBe(period.resetsAt);
    period = next;
  }
  return keys;
}

describe('Monthly periods', () => {
  describe('A subscription started on the 28th, in Paris', () => {
    const anchor = { subscriptionStartedOn: '2023-10-28', timeZone: 'Europe/Paris' };

    it('runs from local midnight on the 28th to local midnight on the next 28th', () => {
      expect(periodAt('2024-11-15T12:00:00Z', anchor)).toEqual({
        key: '2024-10-28',
        startsAt: '2024-10-27T23:00:00.000Z',
        resetsAt: '2024-11-27T23:00:00.000Z',
      });
    });

    it('starts the new period exactly at the reset, not a millisecond before', () => {
      expect(periodAt('2024-11-27T22:59:59.999Z', anchor).key).toBe('2024-10-28');
      expect(periodAt('2024-11-27T23:00:00.000Z', anchor).key).toBe('2024-11-28');
    });

    it('crosses the year', () => {
      expect(periodAt('2025-01-10T00:00:00Z', anchor)).toMatchObject({
        key: '2024-12-28',
        resetsAt: '2025-01-27T23:00:00.000Z',
      });
    });
  });

  describe('A subscription started on the 31st', () => {
    it('resets on the last day of shorter months, 29 February in a leap year', () => {
      expect(periodKeysFrom('2024-01-31T00:00:00Z', utcOn('2023-01-31'), 14)).toEqual([
        '2024-01-31',
        '2024-02-29',
        '2024-03-31',
        '2024-04-30',
        '2024-05-31',
        '2024-06-30',
        '2024-07-31',
        '2024-08-31',
        '2024-09-30',
        '2024-10-31',
        '2024-11-30',
        '2024-12-31',
        '2025-01-31',
        '2025-02-28',
      ]);
    });

    it('resets on 28 February in a common year, and back on the 31st in March', () => {
      expect(periodAt('2023-02-27T23:59:59.999Z', utcOn('2022-12-31'))).toMatchObject({
        key: '2023-01-31',
        resetsAt: '2023-02-28T00:00:00.000Z',
      });
      expect(periodAt('2023-02-28T00:00:00.000Z', utcOn('2022-12-31'))).toMatchObject({
        key: '2023-02-28',
        resetsAt: '2023-03-31T00:00:00.000Z',
      });
    });

    it('resets on 30 April', () => {
      expect(periodAt('2024-04-29T23:59:59.999Z', utcOn('2023-01-31')).key).toBe('2024-03-31');
      expect(periodAt('2024-04-30T00:00:00.000Z', utcOn('2023-01-31')).key).toBe('2024-04-30');
    });
  });

  describe('A subscription started on the 29th or the 30th', () => {
    it('resets on 28 February in a common year and 29 February in a leap year when started on the 29th', () => {
      const anchor = utcOn('2022-11-29');
      expect(periodKeysFrom('2023-01-29T00:00:00Z', anchor, 3)).toEqual(['2023-01-29', '2023-02-28', '2023-03-29']);
      expect(periodKeysFrom('2024-01-29T00:00:00Z', anchor, 3)).toEqual(['2024-01-29', '2024-02-29', '2024-03-29']);
    });

    it('resets on the last day of February when started on the 30th', () => {
      const anchor = utcOn('2022-11-30');
      expect(periodKeysFrom('2023-01-30T00:00:00Z', anchor, 3)).toEqual(['2023-01-30', '2023-02-28', '2023-03-30']);
      expect(periodKeysFrom('2024-01-30T00:00:00Z', anchor, 3)).toEqual(['2024-01-30', '2024-02-29', '2024-03-30']);
    });
  });

  describe('Daylight saving time', () => {
    it('keeps local midnight when Paris moves its clocks forward on the reset day', () => {
      const anchor = { subscriptionStartedOn: '2023-05-31', timeZone: 'Europe/Paris' };
      expect(periodAt('2024-04-10T00:00:00Z', anchor)).toEqual({
        key: '2024-03-31',
        startsAt: '2024-03-30T23:00:00.000Z',
        resetsAt: '2024-04-29T22:00:00.000Z',
      });
    });

    it('keeps local midnight across the change in Los Angeles', () => {
      const anchor = { subscriptionStartedOn: '2023-01-10', timeZone: 'America/Los_Angeles' };
      expect(periodAt('2024-03-10T07:59:59.999Z', anchor).key).toBe('2024-02-10');
      expect(periodAt('2024-03-10T08:00:00.000Z', anchor)).toEqual({
        key: '2024-03-10',
        startsAt: '2024-03-10T08:00:00.000Z',
        resetsAt: '2024-04-10T07:00:00.000Z',
      });
    });

    it('resets at the first instant of the day when midnight does not exist (Santiago, 8 September 2024)', () => {
      const anchor = { subscriptionStartedOn: '2023-01-08', timeZone: 'America/Santiago' };
      expect(periodAt('2024-09-08T03:59:59.999Z', anchor).key).toBe('2024-08-08');
      const period = periodAt('2024-09-08T04:00:00.000Z', anchor);
      expect(period).toMatchObject({ key: '2024-09-08', startsAt: '2024-09-08T04:00:00.000Z' });
    });

    it('resets at the first of two midnights when clocks fall back onto it (Havana, 3 November 2024)', () => {
      const anchor = { subscriptionStartedOn: '2023-01-03', timeZone: 'America/Havana' };
      expect(periodAt('2024-11-03T03:59:59.999Z', anchor).key).toBe('2024-10-03');
      const period = periodAt('2024-11-03T04:00:00.000Z', anchor);
      expect(period).toMatchObject({ key: '2024-11-03', startsAt: '2024-11-03T04:00:00.000Z' });
      expect(periodAt('2024-11-03T05:30:00.000Z', anchor).key).toBe('2024-11-03');
    });
  });

  describe('Time zones far from UTC', () => {
    it('resets fourteen hours before UTC midnight in Kiritimati', () => {
      const anchor = { subscriptionStartedOn: '2023-06-01', timeZone: 'Pacific/Kiritimati' };
      expect(periodAt('2024-03-31T09:59:59.999Z', anchor).key).toBe('2024-03-01');
      expect(periodAt('2024-03-31T10:00:00.000Z', anchor)).toEqual({
        key: '2024-04-01',
        startsAt: '2024-03-31T10:00:00.000Z',
        resetsAt: '2024-04-30T10:00:00.000Z',
      });
    });

    it('resets seven hours after UTC midnight in Los Angeles in summer', () => {
      const anchor = { subscriptionStartedOn: '2023-06-01', timeZone: 'America/Los_Angeles' };
      expect(periodAt('2024-04-01T06:59:59.999Z', anchor).key).toBe('2024-03-01');
      expect(periodAt('2024-04-01T07:00:00.000Z', anchor).key).toBe('2024-04-01');
    });
  });

  describe('Invalid anchors', () => {
    it('refuses an unknown time zone', () => {
      const refusal = () => periodAt('2024-04-01T00:00:00Z', { ...utcOn('2023-06-01'), timeZone: 'Moon/Base' });
      expect(refusal).toThrow(DomainError);
      expect(refusal).toThrow(/IANA/);
    });

    it('refuses a subscription start that is not a date', () => {
      expect(() => periodAt('2024-04-01T00:00:00Z', utcOn('2023-06-31'))).toThrow(/YYYY-MM-DD/);
    });
  });
});

describe('Calendar days', () => {
  it('are already tomorrow in Kiritimati and still today in Los Angeles', () => {
    const instant = new Date('2024-03-10T10:30:00Z');
    expect(calendarDayIn(instant, 'Pacific/Kiritimati')).toBe('2024-03-11');
    expect(calendarDayIn(instant, 'America/Los_Angeles')).toBe('2024-03-10');
    expect(calendarDayIn(instant, 'UTC')).toBe('2024-03-10');
  });

  it('change exactly at local midnight', () => {
    expect(calendarDayIn(new Date('2024-03-10T09:59:59.999Z'), 'Pacific/Kiritimati')).toBe('2024-03-10');
    expect(calendarDayIn(new Date('2024-03-10T10:00:00.000Z'), 'Pacific/Kiritimati')).toBe('2024-03-11');
    expect(calendarDayIn(new Date('2024-03-10T07:59:59.999Z'), 'America/Los_Angeles')).toBe('2024-03-09');
    expect(calendarDayIn(new Date('2024-03-10T08:00:00.000Z'), 'America/Los_Angeles')).toBe('2024-03-10');
  });

  it('refuse an unknown time zone', () => {
    expect(() => calendarDayIn(new Date('2024-03-10T10:30:00Z'), 'Pacific/Atlantis')).toThrow(/IANA/);
  });
});
