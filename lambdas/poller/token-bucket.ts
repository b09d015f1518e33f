/** Clock and timer a bucket runs on; tests pass a virtual clock. */
export interface BucketClock {
  /** Milliseconds since any fixed origin. */
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

export interface TokenBucketOptions {
  /** Tokens added per second (the sustained request rate). */
  readonly ratePerSecond: number;
  /**
   * Most tokens the bucket holds (the burst). With capacity 1 the requests are spaced 1/rate apart, so no
   * one-second window ever holds more than `ratePerSecond` of them.
   *
   * @default 1
   */
  readonly capacity?: number;
  /** @default the wall clock and setTimeout */
  readonly clock?: BucketClock;
}

export const realClock: BucketClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * A token bucket that is safe under concurrency, kept as the time the next token is due (the generic cell rate
 * algorithm, in whole milliseconds, so rounding never lets two grants come closer than the interval). `take()`
 * reserves its slot synchronously and only then waits, so callers that start together are granted one after the
 * other, never together. One bucket per account and region is shared by every page of every lookup there.
 */
export class TokenBucket {
  /** Milliseconds per token, rounded up: never faster than the rate. */
  private readonly interval: number;
  /** How far ahead of the schedule a burst may run. */
  private readonly tolerance: number;
  private readonly clock: BucketClock;
  /** When the next token is due if no burst credit is used. */
  private due: number;

  constructor(options: TokenBucketOptions) {
    const capacity = options.capacity ?? 1;
    if (!Number.isFinite(options.ratePerSecond) || options.ratePerSecond <= 0) {
      throw new RangeError(`ratePerSecond must be a positive number, got ${options.ratePerSecond}`);
    }
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a whole number of at least 1, got ${capacity}`);
    }
    this.interval = Math.ceil(1000 / options.ratePerSecond);
    this.tolerance = (capacity - 1) * this.interval;
    this.clock = options.clock ?? realClock;
    this.due = this.clock.now();
  }

  /** Resolves when the caller may make one request. */
  async take(): Promise<void> {
    const now = this.clock.now();
    const at = Math.max(now, this.due - this.tolerance);
    this.due = Math.max(this.due, at) + this.interval;
    if (at > now) await this.clock.sleep(at - now);
  }

  /** Milliseconds until a token would be free, without taking one (for budget checks). */
  waitTime(): number {
    return Math.max(0, this.due - this.tolerance - this.clock.now());
  }
}
