import { type Versioned, inForceAt } from '../rules/versioned.js';

/**
 * How the help desk counts conversations against a portal's monthly limit, as versioned rules.
 * Every counted event records the version it was decided under, so counters can be recomputed
 * from the history when a rule changes.
 *
 * A rule takes effect at one instant for every portal: 00:00 UTC on its date, not local midnight
 * in each portal's time zone. The change follows Meta's platform-wide pricing change, which is
 * dated in UTC; one instant also keeps replays and recomputations independent of a portal's time
 * zone (which can change after the fact) and gives every portal the same answer for the same moment.
 */
export interface CountingRule extends Versioned {
  /**
   * A message sent outside an open session is one conversation. Typed as the literal 1 because
   * every rule so far counts it: a rule that does not would need the quota gate to change.
   */
  readonly businessInitiated: 1;
  /** Everything the business sends during one contact-opened session, together: 1, or free (0). */
  readonly userInitiatedSession: 0 | 1;
}

export const COUNTING_RULES: readonly CountingRule[] = [
  {
    version: 'conversations/2023-06-01',
    effectiveFrom: '2023-06-01T00:00:00Z',
    businessInitiated: 1,
    userInitiatedSession: 1,
  },
  {
    // "From 1 November 2024, user-initiated messages no longer count against the limit."
    version: 'conversations/2024-11-01',
    effectiveFrom: '2024-11-01T00:00:00Z',
    businessInitiated: 1,
    userInitiatedSession: 0,
  },
];

/** The rule in force at `instant`: the one with the latest effective date not after it. */
export function countingRuleAt(instant: Date, rules: readonly CountingRule[] = COUNTING_RULES): CountingRule {
  return inForceAt(rules, instant, 'conversation counting');
}

/**
 * What one counted conversation weighs under `rules`: a business-initiated one always 1; a
 * session's, what the rule in force when it was counted says. Folding with the current rules is
 * how a rule change reaches the past: it can free conversations, never charge ones that were
 * free when they happened (those were never counted).
 */
export function countedWeight(
  countedAs: { reason: 'business_initiated' | 'user_initiated_session' },
  countedAt: string,
  rules: readonly CountingRule[] = COUNTING_RULES,
): 0 | 1 {
  if (countedAs.reason === 'business_initiated') return 1;
  return countingRuleAt(new Date(countedAt), rules).userInitiatedSession;
}
