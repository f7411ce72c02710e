import {
  RULEBOOK,
  type Rulebook,
  dailyCapAt,
  defaultMonthlyLimitAt,
  quotaRulesVersion,
  sessionWindowMsAt,
} from './rulebook.js';
import { fingerprint, inForceAt } from './versioned.js';

const timeline = [
  { version: 'a', effectiveFrom: '2024-01-01T00:00:00Z', value: 1 },
  { version: 'c', effectiveFrom: '2025-01-01T00:00:00Z', value: 3 },
  { version: 'b', effectiveFrom: '2024-06-01T00:00:00Z', value: 2 },
];

describe('Versioned rules', () => {
  it('picks the entry with the latest effective date not after the instant, whatever the order written', () => {
    expect(inForceAt(timeline, new Date('2024-05-31T23:59:59.999Z'), 'test').version).toBe('a');
    expect(inForceAt(timeline, new Date('2024-06-01T00:00:00Z'), 'test').version).toBe('b');
    expect(inForceAt(timeline, new Date('2030-01-01T00:00:00Z'), 'test').version).toBe('c');
  });

  it('refuses an instant before the first entry, naming the rule', () => {
    expect(() => inForceAt(timeline, new Date('2023-12-31T00:00:00Z'), 'test')).toThrow(
      'No test rule in force at 2023-12-31T00:00:00.000Z',
    );
  });

  it('fingerprints content: an edited entry changes it even under the same version name', () => {
    const edited = timeline.map((entry) => (entry.version === 'b' ? { ...entry, value: 20 } : entry));
    expect(fingerprint(timeline)).toMatch(/^[0-9a-f]{8}$/);
    expect(fingerprint(edited)).not.toBe(fingerprint(timeline));
    expect(fingerprint(structuredClone(timeline))).toBe(fingerprint(timeline));
  });
});

describe('The repository rulebook', () => {
  it('states the brief: 24-hour window, 50 a day unverified, 1,000 a month by default', () => {
    expect(sessionWindowMsAt(new Date('2025-05-05T00:00:00Z'))).toBe(24 * 3_600_000);
    expect(dailyCapAt(new Date('2025-05-05T00:00:00Z')).unverifiedBusinessInitiated).toBe(50);
    expect(defaultMonthlyLimitAt(new Date('2025-05-05T00:00:00Z'))).toBe(1000);
  });

  it('names the quota rules by their latest versions and changes the name when a counting rule is added', () => {
    expect(quotaRulesVersion(RULEBOOK)).toMatch(/^conversations\/2024-11-01\+daily-cap\/50#[0-9a-f]{8}$/);
    const withNewRule: Rulebook = {
      ...RULEBOOK,
      counting: [
        ...RULEBOOK.counting,
        {
          version: 'conversations/2026-12-01',
          effectiveFrom: '2026-12-01T00:00:00Z',
          businessInitiated: 1,
          userInitiatedSession: 1,
        },
      ],
    };
    expect(quotaRulesVersion(withNewRule)).toMatch(/^conversations\/2026-12-01\+daily-cap\/50#/);
    expect(quotaRulesVersion(withNewRule)).not.toBe(quotaRulesVersion(RULEBOOK));
  });
});
