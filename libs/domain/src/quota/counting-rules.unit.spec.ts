import { COUNTING_RULES, countingRuleAt, CountingRule } from './counting-rules.js';

describe('Counting rules', () => {
  describe('The rules in force', () => {
    it('count a user-initiated session as one conversation until 31 October 2024 ends in UTC', () => {
      const rule = countingRuleAt(new Date('2024-10-31T23:59:59.999Z'));
      expect(rule).toMatchObject({ version: 'conversations/2023-06-01', userInitiatedSession: 1 });
    });

    it('stop counting user-initiated sessions at 00:00 UTC on 1 November 2024', () => {
      const rule = countingRuleAt(new Date('2024-11-01T00:00:00.000Z'));
      expect(rule).toMatchObject({ version: 'conversations/2024-11-01', userInitiatedSession: 0 });
    });

    it('switch at the same instant for every portal, whatever its local date', () => {
      // Already 1 November in Kiritimati (UTC+14), still 31 October in Los Angeles.
      expect(countingRuleAt(new Date('2024-10-31T10:00:00.000Z')).version).toBe('conversations/2023-06-01');
      expect(countingRuleAt(new Date('2024-11-01T06:59:59.999Z')).version).toBe('conversations/2024-11-01');
    });

    it('starts with the first rule at its own effective instant', () => {
      expect(countingRuleAt(new Date('2023-06-01T00:00:00.000Z')).version).toBe('conversations/2023-06-01');
    });

    it('knows no rule before the first one', () => {
      expect(() => countingRuleAt(new Date('2023-05-31T23:59:59.999Z'))).toThrow(RangeError);
    });

    it('keeps the latest rule in force afterwards', () => {
      expect(countingRuleAt(new Date('2030-01-01T00:00:00Z'))).toBe(COUNTING_RULES[COUNTING_RULES.length - 1]);
    });
  });

  describe('Another set of rules', () => {
    const rule = (version: string, effectiveFrom: string): CountingRule => ({
      version,
      effectiveFrom,
      businessInitiated: 1,
      userInitiatedSession: 0,
    });

    it('is read by effective date, not by the order it is listed in', () => {
      const rules = [rule('b', '2026-10-01T00:00:00Z'), rule('a', '2025-07-01T00:00:00Z')];
      expect(countingRuleAt(new Date('2026-09-30T23:59:59.999Z'), rules).version).toBe('a');
      expect(countingRuleAt(new Date('2026-10-01T00:00:00.000Z'), rules).version).toBe('b');
    });

    it('may state its instant with an offset', () => {
      const rules = [rule('a', '2025-01-01T00:00:00Z'), rule('paris', '2025-07-01T00:00:00+02:00')];
      expect(countingRuleAt(new Date('2025-06-30T21:59:59.999Z'), rules).version).toBe('a');
      expect(countingRuleAt(new Date('2025-06-30T22:00:00.000Z'), rules).version).toBe('paris');
    });
  });
});
