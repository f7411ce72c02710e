import { TokenBuckets } from './token-buckets.js';

/** Milliseconds the test moves itself. */
function fakeTime(start = 1_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function takeMany(buckets: TokenBuckets, key: string, count: number) {
  return Array.from({ length: count }, () => buckets.take(key));
}

describe('per-portal token buckets', () => {
  it('admits a burst, then refuses with the whole seconds until a token is back', () => {
    const time = fakeTime();
    const buckets = new TokenBuckets({ perSecond: 0.5, burst: 3 }, time.now);

    expect(takeMany(buckets, 'acme', 3).every((admission) => admission.admitted)).toBe(true);
    expect(buckets.take('acme')).toEqual({ admitted: false, retryAfterSeconds: 2 });
    time.advance(1_000);
    // Half a token back: one more second to wait.
    expect(buckets.take('acme')).toEqual({ admitted: false, retryAfterSeconds: 1 });
  });

  it('refills at the rate, never above the burst', () => {
    const time = fakeTime();
    const buckets = new TokenBuckets({ perSecond: 50, burst: 100 }, time.now);
    takeMany(buckets, 'acme', 100);
    expect(buckets.take('acme').admitted).toBe(false);

    time.advance(200); // 10 tokens
    expect(takeMany(buckets, 'acme', 11).map((admission) => admission.admitted)).toEqual([
      ...Array(10).fill(true),
      false,
    ]);
    time.advance(60_000); // far more than the burst
    expect(takeMany(buckets, 'acme', 101).filter((admission) => admission.admitted)).toHaveLength(100);
  });

  it("keeps each portal's bucket apart", () => {
    const buckets = new TokenBuckets({ perSecond: 1, burst: 2 }, fakeTime().now);
    takeMany(buckets, 'acme', 5);

    expect(buckets.take('acme').admitted).toBe(false);
    expect(takeMany(buckets, 'globex', 2).every((admission) => admission.admitted)).toBe(true);
  });

  it('refills nothing when the clock goes back, and counts from the latest instant seen', () => {
    const time = fakeTime(10_000);
    const buckets = new TokenBuckets({ perSecond: 1, burst: 1 }, time.now);
    expect(buckets.take('acme').admitted).toBe(true);

    time.advance(-5_000);
    expect(buckets.take('acme')).toEqual({ admitted: false, retryAfterSeconds: 1 });
    time.advance(5_000); // back where it was: still empty
    expect(buckets.take('acme').admitted).toBe(false);
    time.advance(1_000);
    expect(buckets.take('acme').admitted).toBe(true);
  });

  it('forgets full buckets once there are many, so memory stays bounded', () => {
    const time = fakeTime();
    const buckets = new TokenBuckets({ perSecond: 10, burst: 1 }, time.now);
    for (let portal = 0; portal <= 10_000; portal++) buckets.take(`portal-${portal}`);
    expect(buckets.size).toBe(10_001);

    time.advance(1_000); // every bucket full again
    buckets.take('one-more');
    expect(buckets.size).toBeLessThan(10);
  });
});
