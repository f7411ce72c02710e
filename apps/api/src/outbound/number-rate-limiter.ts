/** Messages per second and sending number (Meta's `phone_number_id`): a default and single numbers' limits. */
export interface ThroughputSettings {
  readonly messagesPerSecond: number;
  readonly messagesPerSecondByNumber: Readonly<Record<string, number>>;
}

export const DEFAULT_THROUGHPUT: ThroughputSettings = { messagesPerSecond: 80, messagesPerSecondByNumber: {} };

const WINDOW_MS = 1_000;
/** Above this many numbers, idle ones are forgotten: an idle lane and no lane admit the same. */
const SWEEP_ABOVE = 1_000;

interface Lane {
  readonly rate: number;
  /** When the calls of the last second were let through, oldest first: never more than `rate`. */
  readonly granted: number[];
  /** Callers in the order they came; bounded by the dispatcher's messages under way (maxInProgress). */
  readonly waiting: ((granted: boolean) => void)[];
  timerSet: boolean;
}

/**
 * At most `rate` calls to Meta per sending number in any second of the clock (a sliding window:
 * stricter than a token bucket, which would allow a burst of twice the rate across a refill). Each
 * number has its own lane, so a campaign on one number never delays another number's messages;
 * a lane waits on one timer (the injected one: tests move time themselves) and lets its callers
 * through in the order they came. A caller waits BEFORE its attempt is recorded: `acquire`
 * resolves false when the dispatcher stops first, and then nothing is recorded or sent.
 */
export class NumberRateLimiter {
  private readonly lanes = new Map<string, Lane>();

  constructor(
    private readonly settings: ThroughputSettings,
    private readonly now: () => number,
    /** Resolves false, early, once the dispatcher stops. */
    private readonly sleep: (ms: number) => Promise<boolean>,
  ) {}

  /** True when the number may be called now; false when the dispatcher stopped while this waited. */
  acquire(phoneNumberId: string): Promise<boolean> {
    const lane = this.lane(phoneNumberId);
    if (lane.waiting.length === 0 && this.take(lane)) return Promise.resolve(true);
    return new Promise((resolve) => {
      lane.waiting.push(resolve);
      this.pump(lane);
    });
  }

  /** Callers waiting for a number (for tests and logs). */
  waitingFor(phoneNumberId: string): number {
    return this.lanes.get(phoneNumberId)?.waiting.length ?? 0;
  }

  /** Numbers tracked (for tests of the sweep). */
  get size(): number {
    return this.lanes.size;
  }

  rateOf(phoneNumberId: string): number {
    const { messagesPerSecondByNumber: byNumber, messagesPerSecond } = this.settings;
    return Object.hasOwn(byNumber, phoneNumberId) ? byNumber[phoneNumberId] : messagesPerSecond;
  }

  private lane(phoneNumberId: string): Lane {
    let lane = this.lanes.get(phoneNumberId);
    if (!lane) {
      if (this.lanes.size >= SWEEP_ABOVE) this.forgetIdle();
      lane = { rate: this.rateOf(phoneNumberId), granted: [], waiting: [], timerSet: false };
      this.lanes.set(phoneNumberId, lane);
    }
    return lane;
  }

  private take(lane: Lane): boolean {
    const now = this.now();
    // A wall clock stepped back: what it said before no longer measures a second; start over.
    if (lane.granted.length > 0 && lane.granted[lane.granted.length - 1] > now) lane.granted.length = 0;
    while (lane.granted.length > 0 && lane.granted[0] <= now - WINDOW_MS) lane.granted.shift();
    if (lane.granted.length >= lane.rate) return false;
    lane.granted.push(now);
    return true;
  }

  /** Lets waiting callers through while the window has room; else one timer until its oldest call leaves it. */
  private pump(lane: Lane): void {
    while (lane.waiting.length > 0 && this.take(lane)) lane.waiting.shift()?.(true);
    if (lane.waiting.length === 0 || lane.timerSet) return;
    lane.timerSet = true;
    const wait = Math.min(WINDOW_MS, lane.granted[0] + WINDOW_MS - this.now());
    void this.sleep(wait).then((woke) => {
      lane.timerSet = false;
      if (woke) return this.pump(lane);
      for (const resolve of lane.waiting.splice(0)) resolve(false);
    });
  }

  private forgetIdle(): void {
    const now = this.now();
    for (const [phoneNumberId, lane] of this.lanes) {
      const newest = lane.granted[lane.granted.length - 1] ?? -Infinity;
      if (lane.waiting.length === 0 && !lane.timerSet && (newest <= now - WINDOW_MS || newest > now))
        this.lanes.delete(phoneNumberId);
    }
  }
}
