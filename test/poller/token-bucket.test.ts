import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../lambdas/poller/token-bucket';
import { VirtualClock } from './support';

/** Starts `n` takes at once (as concurrent pages would) and records when each is granted. */
async function grantTimes(bucket: TokenBucket, clock: VirtualClock, n: number): Promise<number[]> {
  const times: number[] = [];
  const takes = Array.from({ length: n }, () => bucket.take().then(() => times.push(clock.now())));
  await clock.run();
  await Promise.all(takes);
  return times;
}

/** Most grants inside any half-open window [t, t + 1000). */
function busiestSecond(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0; i < sorted.length; i++) {
    const start = sorted[i] as number;
    most = Math.max(most, sorted.filter((t) => t >= start && t < start + 1000).length);
  }
  return most;
}

describe('TokenBucket', () => {
  it('grants the first request at once and spaces the rest 500 ms apart when ten start together at 2 per second', async () => {
    // Prepare
    const clock = new VirtualClock(1_000);
    const bucket = new TokenBucket({ ratePerSecond: 2, clock });
    // Act
    const times = await grantTimes(bucket, clock, 10);
    // Assess
    expect(times).toEqual([1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500, 5000, 5500]);
  });

  it('never grants more than the rate in any second when callers arrive concurrently at random times', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 5 }),
        async (arrivals, rate) => {
          // Prepare
          const clock = new VirtualClock(0);
          const bucket = new TokenBucket({ ratePerSecond: rate, clock });
          const times: number[] = [];
          // Act: each caller sleeps until its arrival, then takes a token; all run concurrently.
          const callers = arrivals.map((at) =>
            clock
              .sleep(at)
              .then(() => bucket.take())
              .then(() => times.push(clock.now())),
          );
          await clock.run();
          await Promise.all(callers);
          // Assess
          expect(times).toHaveLength(arrivals.length);
          expect(busiestSecond(times)).toBeLessThanOrEqual(rate);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('lets a burst of up to the capacity through at once when the bucket has been idle', async () => {
    // Prepare
    const clock = new VirtualClock(0);
    const bucket = new TokenBucket({ ratePerSecond: 2, capacity: 3, clock });
    const idle = clock.sleep(10_000);
    await clock.run();
    await idle;
    // Act
    const times = await grantTimes(bucket, clock, 5);
    // Assess
    expect(times).toEqual([10_000, 10_000, 10_000, 10_500, 11_000]);
  });

  it('refills with elapsed time, so a caller after a pause does not wait', async () => {
    // Prepare
    const clock = new VirtualClock(0);
    const bucket = new TokenBucket({ ratePerSecond: 2, clock });
    await grantTimes(bucket, clock, 2);
    const pause = clock.sleep(2_000);
    await clock.run();
    await pause;
    // Act
    const wait = bucket.waitTime();
    // Assess
    expect(wait).toBe(0);
  });

  it('rejects a rate or capacity that is not positive', () => {
    expect(() => new TokenBucket({ ratePerSecond: 0 })).toThrow(/ratePerSecond must be a positive number/);
    expect(() => new TokenBucket({ ratePerSecond: 2, capacity: 0 })).toThrow(
      /capacity must be a whole number/,
    );
  });
});
