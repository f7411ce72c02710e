import { NumberRateLimiter, type ThroughputSettings } from './number-rate-limiter.js';

/** A clock that moves only when the test fires the next timer: no real waiting, no timing asserted. */
class FakeTime {
  now = 0;
  private timers: { due: number; resolve: (woke: boolean) => void }[] = [];

  sleep = (ms: number): Promise<boolean> =>
    new Promise((resolve) => this.timers.push({ due: this.now + Math.max(0, ms), resolve }));

  get pending(): number {
    return this.timers.length;
  }

  /** Lets every promise settle, then fires the earliest timer, moving the clock to its due time. */
  async fireNext(): Promise<boolean> {
    await settle();
    this.timers.sort((a, b) => a.due - b.due);
    const next = this.timers.shift();
    if (!next) return false;
    this.now = Math.max(this.now, next.due);
    next.resolve(true);
    await settle();
    return true;
  }

  /** The dispatcher stopping: every wait ends early, with false. */
  stop(): void {
    for (const timer of this.timers.splice(0)) timer.resolve(false);
  }
}

const settle = async () => {
  for (let turn = 0; turn < 10; turn++) await Promise.resolve();
};

const throughput = (byNumber: Record<string, number> = {}): ThroughputSettings => ({
  messagesPerSecond: 80,
  messagesPerSecondByNumber: byNumber,
});

/** The most grants found in any window [t, t + 1000) starting at a grant. */
function mostInAnySecond(times: readonly number[]): number {
  return Math.max(0, ...times.map((start) => times.filter((time) => time >= start && time < start + 1000).length));
}

describe('NumberRateLimiter', () => {
  it('lets 200 messages on one number through at no more than 80 in any second, while another number is not delayed', async () => {
    const time = new FakeTime();
    const limiter = new NumberRateLimiter(throughput(), () => time.now, time.sleep);
    const granted: { number: string; at: number; order: number }[] = [];
    const ask = (number: string, order: number) =>
      limiter.acquire(number).then((ok) => ok && granted.push({ number, at: time.now, order }));

    const campaign = Array.from({ length: 200 }, (_, index) => ask('campaign-number', index));
    await settle(); // the first 80 go at time 0; the rest wait for the window to move
    expect(granted).toHaveLength(80);
    expect(limiter.waitingFor('campaign-number')).toBe(120);
    const other = Array.from({ length: 5 }, (_, index) => ask('support-number', index));
    while (await time.fireNext());
    await Promise.all([...campaign, ...other]);

    const campaignTimes = granted.filter((grant) => grant.number === 'campaign-number').map((grant) => grant.at);
    expect(campaignTimes).toHaveLength(200);
    expect(mostInAnySecond(campaignTimes)).toBeLessThanOrEqual(80);
    expect(new Set(campaignTimes.map((at) => Math.floor(at / 1000))).size).toBeGreaterThanOrEqual(3);
    // In the order they asked.
    const order = granted.filter((grant) => grant.number === 'campaign-number').map((grant) => grant.order);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // The other number's messages went at once, at the time they asked, with the campaign still waiting.
    expect(granted.filter((grant) => grant.number === 'support-number').map((grant) => grant.at)).toEqual([
      0, 0, 0, 0, 0,
    ]);
    expect(time.pending).toBe(0);
  });

  it("takes a number's own limit from its override, up to 1,000 at once", async () => {
    const time = new FakeTime();
    const limiter = new NumberRateLimiter(throughput({ fast: 1000, slow: 1 }), () => time.now, time.sleep);
    const fast = await Promise.all(Array.from({ length: 1000 }, () => limiter.acquire('fast')));
    expect(fast.every(Boolean)).toBe(true);
    expect(time.pending).toBe(0);

    const slowTimes: number[] = [];
    const slow = Array.from({ length: 3 }, () => limiter.acquire('slow').then(() => slowTimes.push(time.now)));
    while (await time.fireNext());
    await Promise.all(slow);
    expect(slowTimes).toEqual([0, 1000, 2000]);
    expect(limiter.rateOf('fast')).toBe(1000);
    expect(limiter.rateOf('anything-else')).toBe(80);
  });

  it('waits on one timer per number, however many messages wait', async () => {
    const time = new FakeTime();
    const limiter = new NumberRateLimiter(throughput({ slow: 2 }), () => time.now, time.sleep);
    const asked = Array.from({ length: 50 }, () => limiter.acquire('slow'));
    await settle();
    expect(limiter.waitingFor('slow')).toBe(48);
    expect(time.pending).toBe(1);
    while (await time.fireNext());
    await Promise.all(asked);
    expect(limiter.waitingFor('slow')).toBe(0);
  });

  it('answers false to every waiting message when the dispatcher stops, so nothing is recorded or sent', async () => {
    const time = new FakeTime();
    const limiter = new NumberRateLimiter(throughput({ slow: 1 }), () => time.now, time.sleep);
    await expect(limiter.acquire('slow')).resolves.toBe(true);
    const waiting = [limiter.acquire('slow'), limiter.acquire('slow')];
    await settle();
    time.stop();
    await expect(Promise.all(waiting)).resolves.toEqual([false, false]);
    expect(limiter.waitingFor('slow')).toBe(0);
  });

  it('starts the window over when the wall clock steps back, rather than waiting for it to catch up', async () => {
    const time = new FakeTime();
    time.now = 10_000;
    const limiter = new NumberRateLimiter(throughput({ slow: 1 }), () => time.now, time.sleep);
    await expect(limiter.acquire('slow')).resolves.toBe(true);
    time.now = 5_000;
    await expect(limiter.acquire('slow')).resolves.toBe(true);
    expect(time.pending).toBe(0);
  });

  it('forgets idle numbers, so memory stays bounded by the numbers in use', async () => {
    const time = new FakeTime();
    const limiter = new NumberRateLimiter(throughput(), () => time.now, time.sleep);
    for (let index = 0; index < 1000; index++) await limiter.acquire(`number-${index}`);
    time.now += 1000;
    await limiter.acquire('one-more');
    expect(limiter.size).toBe(1);
  });
});
