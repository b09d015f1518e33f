import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DetectionEngine } from '../../lambdas/engine/engine';
import { InMemoryStateStore } from '../../lambdas/engine/state/memory';
import type { CloudTrailRecord, Rule } from '../../lambdas/engine/types';

/** CreateUser, then CreateAccessKey for that user by the same actor, within 10 minutes. */
const backdoor: Rule = {
  id: 'test.backdoor-user',
  title: 'backdoor user',
  description: 'test',
  severity: 'high',
  attack: ['T1136.003'],
  match: { eventSource: ['iam.amazonaws.com'], eventName: ['CreateAccessKey'] },
  sequence: {
    firstLabel: 'CreateUser',
    first: { eventSource: ['iam.amazonaws.com'], eventName: ['CreateUser'] },
    keyOfFirst: (e) => `${e.userIdentity?.arn}|${String(e.requestParameters?.userName)}`,
    keyOfSecond: (e) => `${e.userIdentity?.arn}|${String(e.requestParameters?.userName)}`,
    withinSeconds: 600,
  },
  summarize: (e) => `${e.eventName} in a backdoor chain`,
  defaultMode: 'alert',
  runbook: 'r',
  falsePositives: [],
};

let n = 0;
function call(eventName: string, at: string, user = 'backdoor', actor = 'mallory'): CloudTrailRecord {
  n += 1;
  return {
    eventTime: at,
    eventSource: 'iam.amazonaws.com',
    eventName,
    eventID: `seq-${n}`,
    userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::111122223333:user/${actor}`, userName: actor },
    requestParameters: { userName: user },
  };
}

async function feed(engine: DetectionEngine, events: CloudTrailRecord[]) {
  const out = [];
  for (const e of events) {
    const { findings, errors } = await engine.analyze(e);
    expect(errors).toEqual([]);
    await engine.markEmitted(findings);
    out.push(...findings);
  }
  return out;
}

const engine = () => new DetectionEngine([backdoor], { state: new InMemoryStateStore() });

describe('sequence rules', () => {
  it('fires when the second step follows the first with the same key within the window', async () => {
    // Act
    const found = await feed(engine(), [
      call('CreateUser', '2026-11-22T10:00:00Z'),
      call('CreateAccessKey', '2026-11-22T10:04:00Z'),
    ]);
    // Assess
    expect(found).toHaveLength(1);
    expect(found[0]?.eventIds).toEqual([`seq-${n}`]);
    expect(found[0]?.sequence).toEqual({
      firstLabel: 'CreateUser',
      key: 'arn:aws:iam::111122223333:user/mallory|backdoor',
      withinSeconds: 600,
    });
  });

  it('does not fire for a first step alone, a second step alone, or steps with different keys', async () => {
    // Act
    const found = await feed(engine(), [
      call('CreateUser', '2026-11-22T10:00:00Z', 'alice'),
      call('CreateAccessKey', '2026-11-22T10:01:00Z', 'bob'),
      call('CreateAccessKey', '2026-11-22T10:02:00Z', 'alice', 'someone-else'),
    ]);
    // Assess
    expect(found).toHaveLength(0);
  });

  it('does not fire when the second step comes after the window or before the first in event time', async () => {
    // Act
    const late = await feed(engine(), [
      call('CreateUser', '2026-11-22T10:00:00Z'),
      call('CreateAccessKey', '2026-11-22T10:30:00Z'),
    ]);
    const before = await feed(engine(), [
      call('CreateAccessKey', '2026-11-22T09:50:00Z'),
      call('CreateUser', '2026-11-22T10:00:00Z'),
    ]);
    // Assess
    expect(late).toHaveLength(0);
    expect(before).toHaveLength(0);
  });

  it('fires once when the second step arrives before the first (out-of-order delivery)', async () => {
    // Act
    const found = await feed(engine(), [
      call('CreateAccessKey', '2026-11-22T10:05:00Z'),
      call('CreateUser', '2026-11-22T10:00:00Z'),
    ]);
    // Assess
    expect(found).toHaveLength(1);
    expect(found[0]?.summary).toBe('CreateUser in a backdoor chain');
  });

  it('raises one finding per key and window however often the steps repeat or are redelivered', async () => {
    // Prepare
    const user = call('CreateUser', '2026-11-22T10:00:00Z');
    const key = call('CreateAccessKey', '2026-11-22T10:01:00Z');
    // Act
    const found = await feed(engine(), [
      user,
      key,
      key,
      user,
      call('CreateAccessKey', '2026-11-22T10:02:00Z'),
    ]);
    // Assess
    expect(found).toHaveLength(1);
  });

  it('raises the finding again on retry when it was never marked emitted', async () => {
    // Prepare
    const e = engine();
    await feed(e, [call('CreateUser', '2026-11-22T10:00:00Z')]);
    const second = call('CreateAccessKey', '2026-11-22T10:01:00Z');
    // Act
    const first = await e.analyze(second);
    const retry = await e.analyze(second);
    // Assess
    expect(first.findings).toHaveLength(1);
    expect(retry.findings.map((f) => f.id)).toEqual(first.findings.map((f) => f.id));
  });

  it('applies a window override from settings', async () => {
    // Prepare
    const narrow = new DetectionEngine([backdoor], {
      state: new InMemoryStateStore(),
      settings: () => ({ mode: 'alert', windowSeconds: 60 }),
    });
    // Act
    const found = await feed(narrow, [
      call('CreateUser', '2026-11-22T10:00:00Z'),
      call('CreateAccessKey', '2026-11-22T10:04:00Z'),
    ]);
    // Assess
    expect(found).toHaveLength(0);
  });

  it('reports every second step when thresholds and sequences are ignored (hunting)', async () => {
    // Prepare
    const hunting = new DetectionEngine([backdoor], {
      state: new InMemoryStateStore(),
      ignoreThresholds: true,
    });
    // Act
    const found = await feed(hunting, [
      call('CreateAccessKey', '2026-11-22T10:00:00Z'),
      call('CreateAccessKey', '2026-11-22T10:01:00Z'),
    ]);
    // Assess
    expect(found).toHaveLength(2);
  });

  it('reaches the same verdict in any arrival order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 1800 }),
        fc.integer({ min: 0, max: 1800 }),
        fc.boolean(),
        async (firstAt, secondAt, secondArrivesFirst) => {
          const t0 = Date.parse('2026-11-22T10:00:00Z');
          const a = call('CreateUser', new Date(t0 + firstAt * 1000).toISOString());
          const b = call('CreateAccessKey', new Date(t0 + secondAt * 1000).toISOString());
          const found = await feed(engine(), secondArrivesFirst ? [b, a] : [a, b]);
          const gap = secondAt - firstAt;
          // Bucket granularity is a tenth of the window, so only gaps clearly inside or outside are judged.
          if (gap >= 0 && gap <= 540) expect(found).toHaveLength(1);
          if (gap < -60 || gap > 660) expect(found).toHaveLength(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
