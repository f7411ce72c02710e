import type { OutboundFailure } from './conversation.events.js';

/** HTTP calls per message before it fails for good: the first and up to seven retries. */
export const MAX_SEND_ATTEMPTS = 8;

/** Meta's "re-engagement message": more than 24 hours since the contact last wrote. */
export const OUTSIDE_WINDOW_ERROR_CODE = 131047;

/**
 * Meta's codes for "not taken now, try later": message throughput (130429), the pair rate limit
 * (131056), account and app rate limits (80007, 4), temporary unavailability (2, 131016) and its
 * generic server error (131000).
 */
const RETRYABLE_CODES: ReadonlySet<number> = new Set([130429, 131056, 80007, 4, 2, 131000, 131016]);

/**
 * Retry only when Meta said it did not take the message, or was never reached (no HTTP status:
 * the connection failed before the request was written). Any other error is final: sending the
 * same request again would be refused the same way.
 */
export function isRetryableFailure(failure: OutboundFailure): boolean {
  if (failure.httpStatus === null) return true;
  if (failure.httpStatus >= 500 || failure.httpStatus === 429) return true;
  return failure.code !== null && RETRYABLE_CODES.has(failure.code);
}
