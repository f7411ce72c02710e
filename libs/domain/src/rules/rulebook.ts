import { COUNTING_RULES, type CountingRule } from '../quota/counting-rules.js';
import { type Versioned, fingerprint, inForceAt } from './versioned.js';

export interface SessionWindowRule extends Versioned {
  /** How long a contact's message keeps the 24-hour customer service window open. */
  readonly hours: number;
}

export interface DailyCapRule extends Versioned {
  /** Business-initiated conversations a day for a WhatsApp account whose business is not verified. */
  readonly unverifiedBusinessInitiated: number;
}

export interface DefaultLimitRule extends Versioned {
  /** A new portal's monthly conversation limit when none is chosen at registration. */
  readonly monthlyConversations: number;
}

export interface ResetDayRule extends Versioned {
  /** The only policy so far: the subscription's day of the month, or the month's last day when it is shorter. */
  readonly policy: 'subscription_day_or_last_day';
}

/**
 * Every rule the help desk enforces that changes over time, each as a history with effective
 * dates. It lives in the repository (reviewed, tested, deployed with the code that reads it);
 * a portal's own choices, such as raising its limit from a date, are events instead.
 */
export interface Rulebook {
  readonly counting: readonly CountingRule[];
  readonly sessionWindow: readonly SessionWindowRule[];
  readonly dailyCap: readonly DailyCapRule[];
  readonly defaultLimit: readonly DefaultLimitRule[];
  readonly resetDay: readonly ResetDayRule[];
}

const SINCE_LAUNCH = '2023-06-01T00:00:00Z';

export const RULEBOOK: Rulebook = {
  counting: COUNTING_RULES,
  sessionWindow: [{ version: 'session/24h', effectiveFrom: SINCE_LAUNCH, hours: 24 }],
  dailyCap: [{ version: 'daily-cap/50', effectiveFrom: SINCE_LAUNCH, unverifiedBusinessInitiated: 50 }],
  defaultLimit: [{ version: 'default-limit/1000', effectiveFrom: SINCE_LAUNCH, monthlyConversations: 1000 }],
  resetDay: [
    { version: 'reset/subscription-day', effectiveFrom: SINCE_LAUNCH, policy: 'subscription_day_or_last_day' },
  ],
};

export function sessionWindowMsAt(instant: Date, rulebook: Rulebook = RULEBOOK): number {
  return inForceAt(rulebook.sessionWindow, instant, 'session window').hours * 3_600_000;
}

export function dailyCapAt(instant: Date, rulebook: Rulebook = RULEBOOK): DailyCapRule {
  return inForceAt(rulebook.dailyCap, instant, 'daily cap');
}

export function defaultMonthlyLimitAt(instant: Date, rulebook: Rulebook = RULEBOOK): number {
  return inForceAt(rulebook.defaultLimit, instant, 'default limit').monthlyConversations;
}

/** Names the quota rules (counting and daily cap) a read model was computed under: latest versions plus a fingerprint of all. */
export function quotaRulesVersion(rulebook: Rulebook = RULEBOOK): string {
  const latest = (timeline: readonly Versioned[]) =>
    [...timeline].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom)).at(-1)?.version;
  return `${latest(rulebook.counting)}+${latest(rulebook.dailyCap)}#${fingerprint([rulebook.counting, rulebook.dailyCap])}`;
}
