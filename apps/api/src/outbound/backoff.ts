/**
 * Exponential backoff with full jitter: a retry waits a uniformly random time up to a ceiling that
 * doubles with each failed attempt, so dispatchers refused together do not come back together.
 */
export interface BackoffPolicy {
  readonly baseMs: number;
  readonly capMs: number;
}

/** With eight attempts, seven waits of at most 2, 4, 8, 16, 32, 64 and 128 s: about four minutes in all. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 2_000, capMs: 300_000 };

export function backoffCeilingMs(failedAttempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  return Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, failedAttempt - 1));
}

/** `random` in [0, 1), injected so tests choose the jitter. */
export function retryDelayMs(
  failedAttempt: number,
  random: () => number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): number {
  return Math.floor(random() * backoffCeilingMs(failedAttempt, policy));
}
