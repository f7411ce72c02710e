import { performance } from 'node:perf_hooks';
import type { GeneratedPayload } from './generate-traffic.js';
import { sleep, type Slots } from './slots.js';

export interface RetryPolicy {
  /** Attempts per payload, the first included: Meta retries for days, a test run cannot. */
  readonly maxAttempts: number;
  /** Backoff before retry n is base × 2^(n-1), at most `maxDelayMs`; a Retry-After header is honoured up to that cap. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly timeoutMs: number;
}

export interface Attempt {
  readonly attempt: number;
  /** HTTP status, or null when no answer came (connection refused, reset, timeout). */
  readonly status: number | null;
  readonly error?: string;
  readonly latencyMs: number;
  /** Wall-clock time the attempt started. */
  readonly at: Date;
}

export interface Delivery {
  readonly attempts: readonly Attempt[];
  /** Some attempt got a 2xx. */
  readonly delivered: boolean;
}

/**
 * Posts one payload the way Meta does: the same bytes and signature every time, again after a
 * backoff until a 2xx answer or the attempt cap. The caller holds a slot for the first attempt;
 * retries take their own, so a backing-off payload never blocks fresh traffic.
 */
export async function deliverPayload(
  url: string,
  payload: GeneratedPayload,
  policy: RetryPolicy,
  slots: Slots,
  onAttempt: (attempt: Attempt) => void,
  signal?: AbortSignal,
): Promise<Delivery> {
  const attempts: Attempt[] = [];
  for (let n = 1; ; n++) {
    if (n > 1) await slots.acquire();
    const { attempt, retryAfterMs } = await post(url, payload, policy.timeoutMs, n).finally(() => slots.release());
    attempts.push(attempt);
    onAttempt(attempt);
    const delivered = attempt.status !== null && attempt.status >= 200 && attempt.status < 300;
    if (delivered || n >= policy.maxAttempts || signal?.aborted) return { attempts, delivered };
    const backoff = Math.min(policy.baseDelayMs * 2 ** (n - 1), policy.maxDelayMs);
    await sleep(retryAfterMs === undefined ? backoff : Math.min(retryAfterMs, policy.maxDelayMs), signal);
  }
}

async function post(
  url: string,
  payload: GeneratedPayload,
  timeoutMs: number,
  attempt: number,
): Promise<{ attempt: Attempt; retryAfterMs?: number }> {
  const at = new Date();
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': payload.signature },
      body: payload.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    // Read the body so the connection goes back to the pool.
    await response.arrayBuffer();
    const latencyMs = performance.now() - started;
    const retryAfter = Number(response.headers.get('retry-after'));
    return {
      attempt: { attempt, status: response.status, latencyMs, at },
      ...(response.headers.has('retry-after') && Number.isFinite(retryAfter) && { retryAfterMs: retryAfter * 1000 }),
    };
  } catch (error) {
    const latencyMs = performance.now() - started;
    return { attempt: { attempt, status: null, error: describeError(error), latencyMs, at } };
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'timeout';
  const cause = error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined;
  return cause?.code ?? (error instanceof Error ? error.message : String(error));
}
