import type { StateStore } from '../engine/types';

/** One action slot taken (or refused) under the hourly limit. */
export type Reservation =
  | {
      readonly allowed: true;
      /** Actions in the window, this one included. */
      readonly count: number;
      readonly limit: number;
      /** Gives the slot back: the action changed nothing (already in place, or failed for good). */
      release(): Promise<void>;
    }
  | { readonly allowed: false; readonly count: number; readonly limit: number };

export interface CircuitBreaker {
  /** Takes one action slot for `account` if fewer than `limit` were taken in the last hour. */
  reserve(account: string, limit: number): Promise<Reservation>;
}

export interface StateStoreCircuitBreakerOptions {
  /** Wall clock in epoch milliseconds. @default Date.now */
  readonly now?: () => number;
  /** Bucket length. @default 600 (10 minutes) */
  readonly bucketSeconds?: number;
  /** The rolling window the limit applies to. @default 3600 */
  readonly windowSeconds?: number;
}

/**
 * The blast-radius limit: at most `limit` actions per account in any rolling hour, counted in the state table.
 *
 * Counts sit in fixed buckets (10 minutes by default). A reservation adds one to the current bucket (an atomic
 * increment, so concurrent remediators never lose a count), then sums it with the buckets before it, as many as
 * cover the window *plus one*: the sum then covers at least a full hour, so no rolling hour can ever hold more than
 * `limit` kept actions (it may refuse an action a little early, never allow one too many). Over the limit, the
 * reservation gives its count back and is refused. Wall-clock time, not event time: this limits what TrailGuard
 * does per hour, whatever the events say.
 */
export class StateStoreCircuitBreaker implements CircuitBreaker {
  private readonly now: () => number;
  private readonly bucketSeconds: number;
  private readonly buckets: number;

  constructor(
    private readonly store: StateStore,
    options: StateStoreCircuitBreakerOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.bucketSeconds = options.bucketSeconds ?? 600;
    const windowSeconds = options.windowSeconds ?? 3600;
    if (
      !Number.isInteger(this.bucketSeconds) ||
      this.bucketSeconds <= 0 ||
      windowSeconds < this.bucketSeconds
    ) {
      throw new RangeError(
        `bucketSeconds (${this.bucketSeconds}) must be a positive whole number no larger than windowSeconds (${windowSeconds})`,
      );
    }
    this.buckets = Math.ceil(windowSeconds / this.bucketSeconds) + 1;
  }

  async reserve(account: string, limit: number): Promise<Reservation> {
    const bucket = Math.floor(this.now() / 1000 / this.bucketSeconds);
    const key = (b: number) => `remediation-circuit#${account}#${b}`;
    // Kept until the bucket has left every window that sums it.
    const ttl = this.buckets * this.bucketSeconds;
    const mine = await this.store.increment(key(bucket), 1, ttl);
    const older = await this.store.getCounters(
      Array.from({ length: this.buckets - 1 }, (_, i) => key(bucket - 1 - i)),
    );
    const count = mine + older.reduce((sum, n) => sum + n, 0);
    const release = async () => {
      await this.store.increment(key(bucket), -1, ttl);
    };
    if (count > limit) {
      await release();
      return { allowed: false, count: count - 1, limit };
    }
    let released = false;
    return {
      allowed: true,
      count,
      limit,
      release: async () => {
        if (released) return;
        released = true;
        await release();
      },
    };
  }
}
