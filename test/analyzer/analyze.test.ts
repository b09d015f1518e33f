import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbStateStore } from '../../lambdas/adapters/dynamodb-state';
import { type AnalyzerDeps, analyzeMessage, reportConfigProblems } from '../../lambdas/analyzer/analyze';
import { ConfigSource } from '../../lambdas/config/config-source';
import { DetectionEngine } from '../../lambdas/engine/engine';
import { InvalidRecordError, RuleEvaluationError } from '../../lambdas/engine/errors';
import type { CloudTrailRecord, Finding, Rule } from '../../lambdas/engine/types';
import { putOnBus } from '../../lambdas/findings/publish';
import { catalog } from '../../lambdas/rules';
import { DETAIL_TYPE } from '../../lambdas/shared/contract';
import { recordingLog } from '../../lambdas/shared/log';
import { motoClientConfig } from '../support/aws';
import {
  bodies,
  createFindingsBus,
  createStateTable,
  drainQueue,
  eventBridgeEnvelope,
  loadRuleFixture,
  uniqueName,
} from './support';

const PREFIX = '/trailguard';
const NOW = new Date('2025-03-11T08:17:00Z');

let dynamodb: DynamoDBClient;
let eventBridge: EventBridgeClient;
let sqs: SQSClient;
const tables: string[] = [];

beforeAll(() => {
  dynamodb = new DynamoDBClient(motoClientConfig());
  eventBridge = new EventBridgeClient(motoClientConfig());
  sqs = new SQSClient(motoClientConfig());
});

afterAll(async () => {
  for (const table of tables) await dynamodb.send(new DeleteTableCommand({ TableName: table }));
  dynamodb.destroy();
  eventBridge.destroy();
  sqs.destroy();
});

interface BusEvent {
  'detail-type': string;
  source: string;
  detail: Finding;
}

type Metric = Parameters<AnalyzerDeps['count']>[0];

/**
 * The analyzer as the Lambda wires it, on real parts: the engine over `rules` with state in a fresh DynamoDB
 * table, findings put on a fresh custom bus whose rule sends them to a queue the test reads.
 */
async function analyzer(options: { rules?: readonly Rule[]; parameters?: Record<string, string> } = {}) {
  const tableName = await createStateTable(dynamodb);
  tables.push(tableName);
  const { busName, queue } = await createFindingsBus(eventBridge, sqs);
  const rules = options.rules ?? catalog;
  const config = new ConfigSource({ prefix: PREFIX, rules, fetch: async () => options.parameters ?? {} });
  const engine = new DetectionEngine(rules, {
    state: new DynamoDbStateStore(dynamodb, tableName),
    settings: async (rule) => (await config.get()).rules.get(rule.id) ?? { mode: rule.defaultMode },
    now: () => NOW,
  });
  const counts = new Map<Metric, number>();
  const log = recordingLog();
  const deps: AnalyzerDeps = {
    engine,
    config,
    publish: (findings) => putOnBus(eventBridge, busName, DETAIL_TYPE.finding, findings),
    log,
    count: (metric, value) => counts.set(metric, (counts.get(metric) ?? 0) + value),
    now: () => NOW,
  };
  return {
    deps,
    engine,
    tableName,
    counts,
    log,
    /** Findings put on the bus since the last call. */
    published: async () => bodies<BusEvent>(await drainQueue(sqs, queue.url)),
  };
}

const stopLogging = () =>
  loadRuleFixture('cloudtrail.logging-stopped', 'positive', 'iam-user-stops-trail-by-name');

/**
 * Failed console sign-ins from one address, each for a different user (so the per-user rule stays quiet),
 * `spacingSeconds` apart from `start`.
 */
function failedSignIns(count: number, start: string, ip: string, spacingSeconds = 20): CloudTrailRecord[] {
  const base = loadRuleFixture('signin.console-login-failures', 'positive', 'iam-user-wrong-password');
  return Array.from({ length: count }, (_, i) => ({
    ...base,
    eventID: `${uniqueName('signin')}-${i}`,
    eventTime: new Date(Date.parse(start) + i * spacingSeconds * 1000).toISOString(),
    sourceIPAddress: ip,
    userIdentity: { ...base.userIdentity, userName: `user${i}` },
  }));
}

async function analyzeAll(records: readonly CloudTrailRecord[], deps: AnalyzerDeps): Promise<Finding[][]> {
  const out: Finding[][] = [];
  for (const [i, record] of records.entries())
    out.push([...(await analyzeMessage(eventBridgeEnvelope(record), `m-${i}`, deps))]);
  return out;
}

const ofRule = (ruleId: string) => (findings: readonly Finding[]) =>
  findings.filter((f) => f.ruleId === ruleId);

describe('analyzeMessage', () => {
  it('puts exactly one TrailGuard Finding on the bus when a logging-stopped record arrives in an EventBridge envelope', async () => {
    // Prepare
    const { deps, counts, published } = await analyzer();
    const record = stopLogging();

    // Act
    const findings = await analyzeMessage(eventBridgeEnvelope(record), 'm-1', deps);

    // Assess
    expect(findings.map((f) => f.ruleId)).toEqual(['cloudtrail.logging-stopped']);
    const events = await published();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      'detail-type': 'TrailGuard Finding',
      source: 'trailguard',
      detail: {
        ruleId: 'cloudtrail.logging-stopped',
        eventIds: [record.eventID],
        id: findings[0]?.id,
        mode: 'enforce',
      },
    });
    expect(Object.fromEntries(counts)).toEqual({ EventsAnalyzed: 1, Findings: 1 });
  });

  it('puts no second finding on the bus when the same message is delivered again', async () => {
    // Prepare
    const { deps, published } = await analyzer();
    const body = eventBridgeEnvelope(stopLogging());
    await analyzeMessage(body, 'm-1', deps);
    const first = await published();

    // Act
    const again = await analyzeMessage(body, 'm-1', deps);

    // Assess
    expect(first).toHaveLength(1);
    expect(again).toEqual([]);
    expect(await published()).toEqual([]);
  });

  it('finds the same as from the envelope when the body is a bare CloudTrail record', async () => {
    // Prepare
    const { deps, published } = await analyzer();
    const record = stopLogging();

    // Act
    const findings = await analyzeMessage(JSON.stringify(record), 'm-1', deps);

    // Assess
    const events = await published();
    expect(events.map((e) => e.detail.ruleId)).toEqual(['cloudtrail.logging-stopped']);
    expect(events[0]?.detail.eventIds).toEqual([record.eventID]);
    expect(findings[0]?.id).toBe(events[0]?.detail.id);
  });

  it('raises no second finding when the poller delivers as a bare record an event already analysed from EventBridge', async () => {
    // Prepare
    const { deps, published } = await analyzer();
    const record = stopLogging();
    await analyzeMessage(eventBridgeEnvelope(record), 'm-1', deps);
    await published();

    // Act
    const again = await analyzeMessage(JSON.stringify(record), 'm-2', deps);

    // Assess
    expect(again).toEqual([]);
    expect(await published()).toEqual([]);
  });

  it.each([
    {
      why: 'the body is not JSON',
      body: () => '{"detail-type": ',
      naming: /^message m-bad: message body is not JSON/,
    },
    {
      why: 'the enveloped record has no eventID',
      body: () => {
        const { eventID: _dropped, ...record } = stopLogging();
        return eventBridgeEnvelope(record as CloudTrailRecord);
      },
      naming: /^message m-bad \(detail\): field "eventID" must be a non-empty string, got nothing$/,
    },
    {
      why: 'the bare record has no eventID',
      body: () => {
        const { eventID: _dropped, ...record } = stopLogging();
        return JSON.stringify(record);
      },
      naming: /^message m-bad: field "eventID" must be a non-empty string, got nothing$/,
    },
  ])(
    'throws naming the message and the problem and counts an invalid record when $why',
    async ({ body, naming }) => {
      // Prepare
      const { deps, counts, log, published } = await analyzer();

      // Act
      const result = analyzeMessage(body(), 'm-bad', deps);

      // Assess
      await expect(result).rejects.toBeInstanceOf(InvalidRecordError);
      await expect(result).rejects.toThrow(naming);
      expect(Object.fromEntries(counts)).toEqual({ InvalidRecords: 1 });
      expect(log.entries.filter((e) => e.level === 'warn').map((e) => e.extra.messageId)).toEqual(['m-bad']);
      expect(await published()).toEqual([]);
    },
  );

  it('fires the per-address sign-in threshold once at the 5th failure, not at the 4th nor again at the 6th, when failures come from one IP', async () => {
    // Prepare
    const { deps, published } = await analyzer();
    // 06:40:05 to 06:41:45: inside one 300 s window and one window period.
    const records = failedSignIns(6, '2025-03-11T06:40:05Z', '198.51.100.77');

    // Act
    const perEvent = (await analyzeAll(records, deps)).map(ofRule('signin.console-login-failures'));

    // Assess
    expect(perEvent.map((f) => f.length)).toEqual([0, 0, 0, 0, 1, 0]);
    expect(perEvent[4]?.[0]).toMatchObject({
      eventIds: [records[4]?.eventID],
      threshold: { groupKey: '198.51.100.77', count: 5, threshold: 5, windowSeconds: 300 },
    });
    const events = await published();
    expect(events.map((e) => e.detail.ruleId)).toEqual(['signin.console-login-failures']);
  });

  it('does not count a failure twice when its message is delivered twice', async () => {
    // Prepare
    const { deps } = await analyzer();
    const records = failedSignIns(5, '2025-03-11T06:40:05Z', '198.51.100.78');
    const fourth = records[3] as CloudTrailRecord;

    // Act
    const firstFour = await analyzeAll(records.slice(0, 4), deps);
    const redelivered = await analyzeMessage(eventBridgeEnvelope(fourth), 'm-3-again', deps);
    const fifth = await analyzeMessage(eventBridgeEnvelope(records[4] as CloudTrailRecord), 'm-4', deps);

    // Assess
    expect(firstFour.flat()).toEqual([]);
    expect(redelivered).toEqual([]);
    expect(ofRule('signin.console-login-failures')(fifth).map((f) => f.threshold?.count)).toEqual([5]);
  });

  it('does not fire again for a 6th failure 15 s after the 5th when a window period boundary falls between them', async () => {
    // Prepare
    const { deps, published } = await analyzer();
    // 06:43:10 to 06:44:50, then 06:45:05: the six failures span 115 s, well inside one 300 s window, but
    // 06:45:00 starts a new epoch-aligned period.
    const records = failedSignIns(5, '2025-03-11T06:43:10Z', '198.51.100.79', 25);
    records.push(
      ...failedSignIns(1, '2025-03-11T06:45:05Z', '198.51.100.79').map((r) => ({
        ...r,
        userIdentity: { ...r.userIdentity, userName: 'user5' },
      })),
    );

    // Act
    const perEvent = (await analyzeAll(records, deps)).map(ofRule('signin.console-login-failures'));

    // Assess
    expect(perEvent.map((f) => f.length)).toEqual([0, 0, 0, 0, 1, 0]);
    expect(await published()).toHaveLength(1);
  });

  it('reports a rule that throws and still publishes the other rules’ findings when a predicate throws on the event', async () => {
    // Prepare
    const throwing: Rule = {
      id: 'test.throwing-predicate',
      title: 'Throws on every StopLogging',
      description: 'A broken rule for this test.',
      severity: 'low',
      attack: [],
      match: { eventSource: ['cloudtrail.amazonaws.com'], eventName: ['StopLogging'] },
      predicate: () => {
        throw new TypeError('cannot read properties of undefined');
      },
      summarize: () => 'never',
      defaultMode: 'alert',
      runbook: 'none',
      falsePositives: [],
    };
    const { deps, engine, counts, log, published } = await analyzer({ rules: [...catalog, throwing] });
    const record = stopLogging();

    // Act
    const findings = await analyzeMessage(eventBridgeEnvelope(record), 'm-1', deps);

    // Assess
    expect(findings.map((f) => f.ruleId)).toEqual(['cloudtrail.logging-stopped']);
    expect((await published()).map((e) => e.detail.ruleId)).toEqual(['cloudtrail.logging-stopped']);
    expect(Object.fromEntries(counts)).toEqual({ EventsAnalyzed: 1, RuleErrors: 1, Findings: 1 });
    expect(log.entries.filter((e) => e.level === 'error').map((e) => e.extra)).toEqual([
      {
        ruleId: 'test.throwing-predicate',
        eventId: record.eventID,
        reason: `rule test.throwing-predicate failed on event ${record.eventID}: cannot read properties of undefined`,
      },
    ]);
    const { errors } = await engine.analyze(record);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(RuleEvaluationError);
    expect(errors[0]).toMatchObject({ ruleId: 'test.throwing-predicate', eventId: record.eventID });
  });
});

describe('reportConfigProblems', () => {
  it('publishes exactly one config-invalid finding, and none on later calls, when an SSM rule mode is invalid', async () => {
    // Prepare
    const parameters = { 'rules/cloudtrail.logging-stopped/mode': 'enforced' };
    const { deps, published } = await analyzer({ parameters });
    // A cold start: new configuration cache, same state table.
    const coldStart = {
      ...deps,
      config: new ConfigSource({ prefix: PREFIX, rules: catalog, fetch: async () => parameters }),
    };

    // Act
    await reportConfigProblems(deps, '111122223333');
    const first = await published();
    await reportConfigProblems(deps, '111122223333');
    await reportConfigProblems(coldStart, '111122223333');
    const later = await published();

    // Assess
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({
      'detail-type': 'TrailGuard Finding',
      detail: {
        ruleId: 'trailguard.config-invalid',
        severity: 'medium',
        account: '111122223333',
        mode: 'alert',
      },
    });
    expect(first[0]?.detail.summary).toContain(
      `SSM parameter ${PREFIX}/rules/cloudtrail.logging-stopped/mode has an invalid value`,
    );
    expect(first[0]?.detail.summary).toContain('using enforce instead');
    expect(later).toEqual([]);
  });
});
