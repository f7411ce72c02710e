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
export interface CountingRule {
  readonly version: string;
  /** ISO instant in UTC. */
  readonly effectiveFrom: string;
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
  const at = instant.getTime();
  let inForce: CountingRule | undefined;
  for (const rule of rules) {
    const from = Date.parse(rule.effectiveFrom);
    if (from <= at && (!inForce || from >= Date.parse(inForce.effectiveFrom))) inForce = rule;
  }
  // Nothing was counted before the first rule: asking about an earlier instant is a bug, not a refusal.
  if (!inForce) throw new RangeError(`No conversation counting rule in force at ${instant.toISOString()}`);
  return inForce;
}
