/** A portal's request may go on, or must wait this long for its bucket to hold a token again. */
export type Admission = { readonly admitted: true } | { readonly admitted: false; readonly retryAfterSeconds: number };

export interface BucketSettings {
  /** Tokens added per second, continuously. */
  readonly perSecond: number;
  /** The most tokens a bucket holds: the burst allowed after a quiet spell. */
  readonly burst: number;
}

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date, in the clock's milliseconds. */
  at: number;
}

/** Above this many buckets, full ones are forgotten: a full bucket and no bucket admit the same. */
const SWEEP_ABOVE = 10_000;
const ADMITTED: Admission = { admitted: true };

/**
 * One token bucket per key (a portal), in memory. `now` is a monotonic clock in milliseconds,
 * injected so tests move time themselves; a wall clock stepping back must not refill anything.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly settings: BucketSettings,
    private readonly now: () => number,
  ) {}

  take(key: string): Admission {
    const now = this.now();
    const bucket = this.refilled(this.buckets.get(key) ?? { tokens: this.settings.burst, at: now }, now);
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return ADMITTED;
    }
    // Whole seconds, as HTTP's Retry-After; never 0, which would invite an immediate retry.
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / this.settings.perSecond));
    return { admitted: false, retryAfterSeconds };
  }

  /** How many keys are tracked (for tests of the sweep). */
  get size(): number {
    return this.buckets.size;
  }

  private refilled(bucket: Bucket, now: number): Bucket {
    const elapsedSeconds = Math.max(0, now - bucket.at) / 1000;
    bucket.tokens = Math.min(this.settings.burst, bucket.tokens + elapsedSeconds * this.settings.perSecond);
    bucket.at = Math.max(bucket.at, now);
    if (this.buckets.size > SWEEP_ABOVE) this.forgetFull(now);
    return bucket;
  }

  private forgetFull(now: number): void {
    for (const [key, bucket] of this.buckets) {
      const tokens = bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * this.settings.perSecond;
      if (tokens >= this.settings.burst) this.buckets.delete(key);
    }
  }
}
