import { describe, expect, it } from 'vitest';
import { detectionContext } from '../../lambdas/engine/context';
import { DetectionEngine } from '../../lambdas/engine/engine';
import { InMemoryStateStore } from '../../lambdas/engine/state/memory';
import type { CloudTrailRecord, Rule, RuleSettings } from '../../lambdas/engine/types';

const base: Omit<Rule, 'id' | 'match'> = {
  title: 'test rule',
  description: 'test',
  severity: 'high',
  attack: ['T1078'],
  summarize: (e) => `${e.eventName} happened`,
  defaultMode: 'alert',
  runbook: 'test runbook',
  falsePositives: [],
};

const stopLogging: Rule = {
  ...base,
  id: 'test.stop-logging',
  match: { eventSource: ['cloudtrail.amazonaws.com'], eventName: ['StopLogging'] },
  remediation: (e) => [
    {
      action: 'cloudtrail.start-logging',
      params: { trail: String(e.requestParameters?.name), region: e.awsRegion ?? '' },
      description: 'start',
    },
  ],
};

const failedLogins: Rule = {
  ...base,
  id: 'test.login-failures',
  match: {
    eventSource: ['signin.amazonaws.com'],
    eventName: ['ConsoleLogin'],
    responseElements: { ConsoleLogin: ['Failure'] },
  },
  threshold: { groupByLabel: 'source IP', groupBy: (e) => e.sourceIPAddress, count: 3, windowSeconds: 300 },
};

const anyRoot: Rule = { ...base, id: 'test.root', match: { userIdentity: { type: ['Root'] } } };

let counter = 0;
function event(overrides: Partial<CloudTrailRecord>): CloudTrailRecord {
  counter += 1;
  return {
    eventTime: '2026-11-22T10:00:00Z',
    eventSource: 'cloudtrail.amazonaws.com',
    eventName: 'StopLogging',
    eventID: `00000000-0000-0000-0000-${String(counter).padStart(12, '0')}`,
    awsRegion: 'eu-west-1',
    sourceIPAddress: '203.0.113.9',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/mallory', userName: 'mallory' },
    requestParameters: { name: 'main-trail' },
    recipientAccountId: '111122223333',
    ...overrides,
  };
}

function login(at: string, ip = '198.51.100.7'): CloudTrailRecord {
  return event({
    eventTime: at,
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    sourceIPAddress: ip,
    responseElements: { ConsoleLogin: 'Failure' },
    requestParameters: null,
  });
}

/** Feeds events as a consumer does: analyse, publish (collect), mark emitted. */
async function feed(engine: DetectionEngine, events: CloudTrailRecord[]) {
  const out = [];
  for (const e of events) {
    const { findings } = await engine.analyze(e);
    await engine.markEmitted(findings);
    out.push(...findings);
  }
  return out;
}

describe('DetectionEngine', () => {
  it('raises one finding with a deterministic id, evidence and plan when a single-event rule matches', async () => {
    // Prepare
    const engine = new DetectionEngine([stopLogging], {
      state: new InMemoryStateStore(),
      now: () => new Date('2026-11-22T10:01:00Z'),
    });
    const e = event({});
    // Act
    const { findings, errors } = await engine.analyze(e);
    const again = await new DetectionEngine([stopLogging], {
      state: new InMemoryStateStore(),
      now: () => new Date('2026-11-22T10:05:00Z'),
    }).analyze(e);
    // Assess
    expect(errors).toEqual([]);
    expect(findings).toHaveLength(1);
    const f = findings[0];
    expect(f?.ruleId).toBe('test.stop-logging');
    expect(f?.eventIds).toEqual([e.eventID]);
    expect(f?.principal).toMatchObject({ identityType: 'user', identityName: 'mallory' });
    expect(f?.remediation).toEqual([
      {
        action: 'cloudtrail.start-logging',
        params: { trail: 'main-trail', region: 'eu-west-1' },
        description: 'start',
      },
    ]);
    expect(f?.evidence[0]?.requestParameters).toBe('{"name":"main-trail"}');
    expect(f?.detectedAt).toBe('2026-11-22T10:01:00.000Z');
    expect(again.findings[0]?.id).toBe(f?.id);
  });

  it('does not raise a finding again when the same event is delivered twice after being emitted', async () => {
    // Prepare
    const engine = new DetectionEngine([stopLogging], { state: new InMemoryStateStore() });
    const e = event({});
    // Act
    const first = await feed(engine, [e]);
    const second = await feed(engine, [e, { ...e }]);
    // Assess
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(0);
  });

  it('raises the finding again when it was analysed but never marked emitted (publish failed)', async () => {
    // Prepare
    const engine = new DetectionEngine([stopLogging], { state: new InMemoryStateStore() });
    const e = event({});
    // Act
    const first = await engine.analyze(e);
    const retry = await engine.analyze(e);
    // Assess
    expect(first.findings).toHaveLength(1);
    expect(retry.findings.map((f) => f.id)).toEqual(first.findings.map((f) => f.id));
  });

  it('skips a rule whose mode is off and records the mode in force on findings', async () => {
    // Prepare
    const modes: Record<string, RuleSettings> = {
      'test.stop-logging': { mode: 'off' },
      'test.root': { mode: 'enforce' },
    };
    const engine = new DetectionEngine([stopLogging, anyRoot], {
      state: new InMemoryStateStore(),
      settings: (rule) => modes[rule.id] ?? { mode: rule.defaultMode },
    });
    // Act
    const { findings } = await engine.analyze(
      event({ userIdentity: { type: 'Root', arn: 'arn:aws:iam::111122223333:root' } }),
    );
    // Assess
    expect(findings.map((f) => [f.ruleId, f.mode])).toEqual([['test.root', 'enforce']]);
  });

  it('confines a throwing predicate to its rule and event while other rules still fire', async () => {
    // Prepare
    const broken: Rule = {
      ...stopLogging,
      id: 'test.broken',
      predicate: () => {
        throw new TypeError('boom');
      },
    };
    const engine = new DetectionEngine([broken, stopLogging], { state: new InMemoryStateStore() });
    const e = event({});
    // Act
    const { findings, errors } = await engine.analyze(e);
    // Assess
    expect(findings.map((f) => f.ruleId)).toEqual(['test.stop-logging']);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.ruleId).toBe('test.broken');
    expect(errors[0]?.eventId).toBe(e.eventID);
    expect(errors[0]?.message).toContain('boom');
  });

  it('confines a throwing summary or plan to its rule', async () => {
    // Prepare
    const badSummary: Rule = {
      ...stopLogging,
      id: 'test.bad-summary',
      summarize: () => {
        throw new Error('summary broke');
      },
    };
    const engine = new DetectionEngine([badSummary, anyRoot], { state: new InMemoryStateStore() });
    // Act
    const { findings, errors } = await engine.analyze(event({ userIdentity: { type: 'Root' } }));
    // Assess
    expect(findings.map((f) => f.ruleId)).toEqual(['test.root']);
    expect(errors.map((e) => e.ruleId)).toEqual(['test.bad-summary']);
  });

  it('lets state store failures propagate so the message is retried', async () => {
    // Prepare
    const state = new InMemoryStateStore();
    state.has = async () => {
      throw new Error('table unavailable');
    };
    const engine = new DetectionEngine([stopLogging], { state });
    // Act + Assess
    await expect(engine.analyze(event({}))).rejects.toThrow('table unavailable');
  });

  it('checks an event only against rules indexed for its source and name, plus unindexed rules', () => {
    // Prepare
    const engine = new DetectionEngine([stopLogging, failedLogins, anyRoot], {
      state: new InMemoryStateStore(),
    });
    // Act
    const forStop = engine.candidates(event({}));
    const forOther = engine.candidates(
      event({ eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances' }),
    );
    // Assess
    expect(forStop.map((r) => r.id)).toEqual(['test.stop-logging', 'test.root']);
    expect(forOther.map((r) => r.id)).toEqual(['test.root']);
  });
});

describe('DetectionEngine thresholds', () => {
  it('fires once when the count is reached within the window, not before and not again in the same window', async () => {
    // Prepare
    const engine = new DetectionEngine([failedLogins], { state: new InMemoryStateStore() });
    // Act
    const beforeLimit = await feed(engine, [login('2026-11-22T10:00:00Z'), login('2026-11-22T10:01:00Z')]);
    const atLimit = await feed(engine, [login('2026-11-22T10:02:00Z')]);
    const afterLimit = await feed(engine, [login('2026-11-22T10:03:00Z')]);
    // Assess
    expect(beforeLimit).toHaveLength(0);
    expect(atLimit).toHaveLength(1);
    expect(atLimit[0]?.threshold).toMatchObject({
      groupKey: '198.51.100.7',
      count: 3,
      threshold: 3,
      windowSeconds: 300,
    });
    expect(afterLimit).toHaveLength(0);
  });

  it('counts per group key', async () => {
    // Prepare
    const engine = new DetectionEngine([failedLogins], { state: new InMemoryStateStore() });
    // Act
    const found = await feed(engine, [
      login('2026-11-22T10:00:00Z', '198.51.100.1'),
      login('2026-11-22T10:00:10Z', '198.51.100.2'),
      login('2026-11-22T10:00:20Z', '198.51.100.1'),
      login('2026-11-22T10:00:30Z', '198.51.100.2'),
    ]);
    // Assess
    expect(found).toHaveLength(0);
  });

  it('does not count events that are further apart than the window', async () => {
    // Prepare
    const engine = new DetectionEngine([failedLogins], { state: new InMemoryStateStore() });
    // Act
    const found = await feed(engine, [
      login('2026-11-22T10:00:00Z'),
      login('2026-11-22T10:06:00Z'),
      login('2026-11-22T10:12:00Z'),
    ]);
    // Assess
    expect(found).toHaveLength(0);
  });

  it('uses event time, so out-of-order arrival reaches the same verdict', async () => {
    // Prepare
    const engine = new DetectionEngine([failedLogins], { state: new InMemoryStateStore() });
    // Act: the newest event arrives first
    const found = await feed(engine, [
      login('2026-11-22T10:04:00Z'),
      login('2026-11-22T10:00:30Z'),
      login('2026-11-22T10:02:00Z'),
    ]);
    // Assess
    expect(found).toHaveLength(1);
  });

  it('does not count a redelivered event twice', async () => {
    // Prepare
    const engine = new DetectionEngine([failedLogins], { state: new InMemoryStateStore() });
    const once = login('2026-11-22T10:00:00Z');
    // Act
    const found = await feed(engine, [once, once, once, login('2026-11-22T10:01:00Z')]);
    // Assess
    expect(found).toHaveLength(0);
  });

  it('applies threshold and window overrides from settings', async () => {
    // Prepare
    const engine = new DetectionEngine([failedLogins], {
      state: new InMemoryStateStore(),
      settings: () => ({ mode: 'alert', threshold: 2, windowSeconds: 60 }),
    });
    // Act
    const tooFar = await feed(engine, [login('2026-11-22T10:00:00Z'), login('2026-11-22T10:02:00Z')]);
    const close = await feed(engine, [login('2026-11-22T10:02:30Z')]);
    // Assess
    expect(tooFar).toHaveLength(0);
    expect(close).toHaveLength(1);
    expect(close[0]?.threshold?.threshold).toBe(2);
  });

  it('reports every matching event when thresholds are ignored (hunting)', async () => {
    // Prepare
    const engine = new DetectionEngine([failedLogins], {
      state: new InMemoryStateStore(),
      ignoreThresholds: true,
    });
    // Act
    const found = await feed(engine, [login('2026-11-22T10:00:00Z'), login('2026-11-22T10:00:01Z')]);
    // Assess
    expect(found).toHaveLength(2);
    expect(found[0]?.threshold).toBeUndefined();
  });

  it('fires again on retry when the threshold finding was never marked emitted (publish failed)', async () => {
    // Prepare
    const engine = new DetectionEngine([failedLogins], { state: new InMemoryStateStore() });
    await feed(engine, [login('2026-11-22T10:00:00Z'), login('2026-11-22T10:00:30Z')]);
    const third = login('2026-11-22T10:01:00Z');
    // Act
    const first = await engine.analyze(third);
    const retry = await engine.analyze(third);
    // Assess
    expect(first.findings).toHaveLength(1);
    expect(retry.findings.map((f) => f.id)).toEqual(first.findings.map((f) => f.id));
  });

  it('raises one finding per window length while a burst keeps going, whatever the clock alignment', async () => {
    // Prepare: one failure every 20 s for 15 minutes, starting just before a 5-minute boundary
    const engine = new DetectionEngine([failedLogins], { state: new InMemoryStateStore() });
    const start = Date.parse('2026-11-22T10:04:50Z');
    const burst = Array.from({ length: 45 }, (_, i) => login(new Date(start + i * 20_000).toISOString()));
    // Act
    const found = await feed(engine, burst);
    // Assess: 900 s of activity, 300 s window: one finding per window, never two within one window
    expect(found).toHaveLength(3);
    const times = found.map((f) => Date.parse(f.eventTime));
    for (let i = 1; i < times.length; i++)
      expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(300_000);
  });
});

describe('DetectionEngine allowed principals and detection context', () => {
  const terraformSession = (overrides: Partial<CloudTrailRecord> = {}) =>
    event({
      userIdentity: {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::111122223333:assumed-role/terraform-apply/run-42',
        sessionContext: {
          sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::111122223333:role/terraform-apply' },
        },
      },
      ...overrides,
    });
  const allowTerraform: RuleSettings = {
    mode: 'alert',
    allowPrincipals: ['arn:aws:iam::*:role/terraform-*'],
  };

  it('ignores the events of a principal whose role matches allowPrincipals, and only for that rule', async () => {
    // Prepare
    const engine = new DetectionEngine([stopLogging, { ...stopLogging, id: 'test.other' }], {
      state: new InMemoryStateStore(),
      settings: (rule) => (rule.id === 'test.stop-logging' ? allowTerraform : { mode: 'alert' }),
    });
    // Act
    const allowed = await engine.analyze(terraformSession());
    const other = await engine.analyze(event({}));
    // Assess
    expect(allowed.findings.map((f) => f.ruleId)).toEqual(['test.other']);
    expect(other.findings.map((f) => f.ruleId).sort()).toEqual(['test.other', 'test.stop-logging']);
  });

  it('never lets an allow pattern silence the root user', async () => {
    // Prepare
    const engine = new DetectionEngine([anyRoot], {
      state: new InMemoryStateStore(),
      settings: () => ({ mode: 'alert', allowPrincipals: ['*'] }),
    });
    // Act
    const result = await engine.analyze(
      event({ userIdentity: { type: 'Root', arn: 'arn:aws:iam::111122223333:root' } }),
    );
    // Assess
    expect(result.findings).toHaveLength(1);
  });

  it('does not count an allowed principal toward a threshold', async () => {
    // Prepare
    const engine = new DetectionEngine([failedLogins], {
      state: new InMemoryStateStore(),
      settings: () => ({ mode: 'alert', allowPrincipals: ['arn:aws:iam::111122223333:user/scanner'] }),
    });
    const failure = (user: string, second: number) =>
      event({
        eventSource: 'signin.amazonaws.com',
        eventName: 'ConsoleLogin',
        eventTime: `2026-11-22T10:00:0${second}Z`,
        sourceIPAddress: '198.51.100.7',
        userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::111122223333:user/${user}`, userName: user },
        responseElements: { ConsoleLogin: 'Failure' },
      });
    // Act
    const findings = [];
    for (const [i, user] of ['scanner', 'scanner', 'alice', 'bob'].entries()) {
      findings.push(...(await engine.analyze(failure(user, i))).findings);
    }
    findings.push(...(await engine.analyze(failure('carol', 5))).findings);
    // Assess: only alice, bob and carol count, so the third of them crosses the threshold of 3.
    expect(findings).toHaveLength(1);
    expect(findings[0]?.eventIds).toEqual([expect.any(String)]);
    expect(findings[0]?.threshold?.count).toBe(3);
  });

  it('hands the configured context to predicates and remediation plans', async () => {
    // Prepare
    const seen: string[] = [];
    const shared: Rule = {
      ...base,
      id: 'test.shared',
      match: { eventName: ['ModifySnapshotAttribute'] },
      predicate: (e, context) => !context?.trustedAccounts.has(String(e.requestParameters?.account)),
      remediation: (_e, context) => {
        seen.push(context?.isTrustedAddress('198.51.100.24') ? 'trusted NAT' : 'unknown');
        return [];
      },
    };
    const context = detectionContext({
      trustedAccounts: ['444455556666'],
      trustedNetworks: ['198.51.100.0/24'],
    });
    const engine = new DetectionEngine([shared], { state: new InMemoryStateStore(), context: () => context });
    const share = (account: string) =>
      event({
        eventSource: 'ec2.amazonaws.com',
        eventName: 'ModifySnapshotAttribute',
        requestParameters: { account },
      });
    // Act
    const trusted = await engine.analyze(share('444455556666'));
    const unknown = await engine.analyze(share('999988887777'));
    // Assess
    expect(trusted.findings).toEqual([]);
    expect(unknown.findings).toHaveLength(1);
    expect(seen).toEqual(['trusted NAT']);
  });
});
