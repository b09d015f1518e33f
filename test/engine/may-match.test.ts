import { describe, expect, it } from 'vitest';
import { DetectionEngine } from '../../lambdas/engine/engine';
import { InMemoryStateStore } from '../../lambdas/engine/state/memory';
import type { CloudTrailRecord, StateStore } from '../../lambdas/engine/types';
import { catalog } from '../../lambdas/rules';
import { allFixtures } from '../rules/support';

/** A state store that remembers whether it was touched at all. */
class WatchedStore implements StateStore {
  calls = 0;
  private readonly inner = new InMemoryStateStore();
  putIfAbsent(key: string, ttl: number) {
    this.calls++;
    return this.inner.putIfAbsent(key, ttl);
  }
  has(key: string) {
    this.calls++;
    return this.inner.has(key);
  }
  delete(key: string) {
    this.calls++;
    return this.inner.delete(key);
  }
  increment(key: string, by: number, ttl: number) {
    this.calls++;
    return this.inner.increment(key, by, ttl);
  }
  getCounters(keys: readonly string[]) {
    this.calls++;
    return this.inner.getCounters(keys);
  }
}

/** Every fixture event, and variations that keep the source and name but change what patterns look at. */
function corpus(): CloudTrailRecord[] {
  return allFixtures().flatMap(({ event }) => [
    event,
    { ...event, errorCode: 'AccessDenied' },
    { ...event, userIdentity: { type: 'Root', arn: 'arn:aws:iam::111122223333:root' } },
    { ...event, requestParameters: null, responseElements: null },
    { ...event, eventName: 'DescribeInstances' },
  ]);
}

describe('DetectionEngine.mayMatch', () => {
  it.each([{ ignoreThresholds: false }, { ignoreThresholds: true }])(
    'says false only for events analyze does nothing with (ignoreThresholds $ignoreThresholds)',
    async ({ ignoreThresholds }) => {
      // Prepare
      const events = corpus();
      let skipped = 0;
      // Act
      for (const event of events) {
        const store = new WatchedStore();
        const engine = new DetectionEngine(catalog, { state: store, ignoreThresholds });
        if (engine.mayMatch(event)) continue;
        skipped++;
        const result = await engine.analyze(event);
        // Assess
        expect(result).toEqual({ findings: [], errors: [] });
        expect(store.calls).toBe(0);
      }
      expect(skipped).toBeGreaterThan(10);
    },
  );

  it('says true for every positive fixture of its rule', () => {
    // Prepare
    const engine = new DetectionEngine(catalog, { state: new InMemoryStateStore() });
    const positives = allFixtures().filter((f) => f.kind === 'positive');
    // Act
    const missed = positives.filter((f) => !engine.mayMatch(f.event)).map((f) => `${f.ruleId}/${f.name}`);
    // Assess
    expect(positives.length).toBeGreaterThan(20);
    expect(missed).toEqual([]);
  });
});
