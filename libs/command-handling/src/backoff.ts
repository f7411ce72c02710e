/**
 * Exponential backoff with full jitter: a retry waits a uniformly random time up to a ceiling that
 * doubles with each failed attempt, so writers or dispatchers refused together do not come back
 * together. One formula for the command shell's retries on a hot stream and the outbound retries.
 */
export interface BackoffPolicy {
  readonly baseMs: number;
  readonly capMs: number;
}

export function backoffCeilingMs(failedAttempt: number, policy: BackoffPolicy): number {
  return Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, failedAttempt - 1));
}

/** `random` in [0, 1), injected so tests choose the jitter. */
export function retryDelayMs(failedAttempt: number, random: () => number, policy: BackoffPolicy): number {
  return Math.floor(random() * backoffCeilingMs(failedAttempt, policy));
}
