import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DetectionEngine } from '../../lambdas/engine/engine';
import { InMemoryStateStore } from '../../lambdas/engine/state/memory';
import type { CloudTrailRecord, Rule } from '../../lambdas/engine/types';

const WINDOW = 300;
const LIMIT = 4;
const rule: Rule = {
  id: 'test.burst',
  title: 'burst',
  description: 'burst',
  severity: 'medium',
  attack: [],
  match: { eventName: ['ConsoleLogin'] },
  threshold: { groupByLabel: 'ip', groupBy: (e) => e.sourceIPAddress, count: LIMIT, windowSeconds: WINDOW },
  summarize: () => 'burst',
  defaultMode: 'alert',
  runbook: 'r',
  falsePositives: [],
};
const T0 = Date.parse('2026-11-22T00:00:00Z');

function records(offsets: number[]): CloudTrailRecord[] {
  return offsets.map((s, i) => ({
    eventTime: new Date(T0 + s * 1000).toISOString(),
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    eventID: `e-${i}`,
    sourceIPAddress: '192.0.2.1',
  }));
}

async function findings(events: CloudTrailRecord[]): Promise<number> {
  const engine = new DetectionEngine([rule], { state: new InMemoryStateStore() });
  let n = 0;
  for (const e of events) {
    const out = await engine.analyze(e);
    await engine.markEmitted(out.findings);
    n += out.findings.length;
  }
  return n;
}

/** Largest number of events inside any span of `span` seconds. */
function densest(offsets: number[], span: number): number {
  const sorted = [...offsets].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while ((sorted[j] ?? 0) - (sorted[i] ?? 0) >= span) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

describe('threshold detection under arbitrary arrival order', () => {
  it('fires whenever some window holds the limit, and never when no span of 1.1 windows does, in any order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 3600 }), { minLength: 1, maxLength: 12 }).chain((offsets) =>
          fc.tuple(
            fc.constant(offsets),
            fc.shuffledSubarray(
              offsets.map((_, i) => i),
              { minLength: offsets.length },
            ),
          ),
        ),
        async ([offsets, order]) => {
          const events = records(offsets);
          const shuffled = order.map((i) => events[i] as CloudTrailRecord);
          const n = await findings(shuffled);
          // Bucket granularity is a tenth of the window: a window can stretch to 1.1 W.
          if (densest(offsets, WINDOW * 0.9) >= LIMIT) expect(n).toBeGreaterThan(0);
          if (densest(offsets, WINDOW * 1.1) < LIMIT) expect(n).toBe(0);
        },
      ),
      { numRuns: 400 },
    );
  });
});
