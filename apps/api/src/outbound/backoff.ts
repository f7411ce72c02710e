import {
  type BackoffPolicy,
  backoffCeilingMs as ceilingUnder,
  retryDelayMs as delayUnder,
} from '@helpdesk/command-handling';

export type { BackoffPolicy };

/** With eight attempts, seven waits of at most 2, 4, 8, 16, 32, 64 and 128 s: about four minutes in all. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 2_000, capMs: 300_000 };

export function backoffCeilingMs(failedAttempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  return ceilingUnder(failedAttempt, policy);
}

/** `random` in [0, 1), injected so tests choose the jitter. */
export function retryDelayMs(
  failedAttempt: number,
  random: () => number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): number {
  return delayUnder(failedAttempt, random, policy);
}
