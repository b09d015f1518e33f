import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteTopicCommand, type PublishCommandInput, SNSClient } from '@aws-sdk/client-sns';
import { DeleteQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbAuditStore } from '../../lambdas/adapters/dynamodb-audit';
import { DynamoDbStateStore } from '../../lambdas/adapters/dynamodb-state';
import { type AlerterDeps, alert } from '../../lambdas/alerter/alert';
import type { DailySummary } from '../../lambdas/alerter/documents';
import { DynamoDbWindowStore } from '../../lambdas/alerter/window-store';
import { DynamoDbAuditReader } from '../../lambdas/alerting/audit-scan';
import {
  previousUtcDay,
  type SummaryDeps,
  sendDailySummary,
  summaryDayOf,
} from '../../lambdas/alerting/summary';
import type { ActionId } from '../../lambdas/engine/types';
import { catalog } from '../../lambdas/rules';
import { recordingLog } from '../../lambdas/shared/log';
import { createAuditTable } from '../../local/tables';
import { createStateTable, drainQueue, type QueueRef, uniqueName } from '../analyzer/support';
import { motoClientConfig } from '../support/aws';
import {
  capturePublishes,
  criticalFinding,
  emailOf,
  findingBody,
  highFinding,
  keysOf,
  machineOf,
  matchGolden,
  repeatOf,
  topicWithQueue,
} from './support';

const DAY = '2025-03-10';
const DURING = new Date('2025-03-10T14:00:00Z');

let sns: SNSClient;
let sqs: SQSClient;
let dynamodb: DynamoDBClient;
let topicArn: string;
let inbox: QueueRef;
let stateTable: string;
let auditTable: string;
let published: PublishCommandInput[];

beforeAll(async () => {
  sns = new SNSClient(motoClientConfig());
  sqs = new SQSClient(motoClientConfig());
  dynamodb = new DynamoDBClient(motoClientConfig());
  published = capturePublishes(sns);
  ({ topicArn, queue: inbox } = await topicWithQueue(sns, sqs, 'trailguard-summary'));
  stateTable = await createStateTable(dynamodb);
  auditTable = uniqueName('trailguard-audit');
  await createAuditTable(dynamodb, auditTable);
});

afterAll(async () => {
  for (const table of [stateTable, auditTable])
    await dynamodb.send(new DeleteTableCommand({ TableName: table }));
  await sns.send(new DeleteTopicCommand({ TopicArn: topicArn }));
  await sqs.send(new DeleteQueueCommand({ QueueUrl: inbox.url }));
  for (const client of [sns, sqs, dynamodb]) client.destroy();
});

/** Audit records as the remediator writes them, at `at`. */
async function recordStep(
  at: Date,
  findingId: string,
  ruleId: string,
  actionId: ActionId,
  status: 'succeeded' | 'failed' | 'dry-run' | 'already-applied',
): Promise<void> {
  const audit = new DynamoDbAuditStore(dynamodb, auditTable, { now: () => at });
  const { record } = await audit.begin({
    findingId,
    stepKey: 'step-000',
    stepIndex: 0,
    ruleId,
    actionId,
    params: {},
    mode: status === 'dry-run' ? 'dry-run' : 'enforce',
  });
  await audit.finish(record.findingId, record.stepKey, {
    status,
    reason: status === 'failed' ? 'AccessDenied' : undefined,
  });
}

function summaryDeps(): SummaryDeps {
  return {
    sns,
    topicArn,
    state: new DynamoDbStateStore(dynamodb, stateTable),
    audit: new DynamoDbAuditReader(dynamodb, auditTable),
    ruleIds: catalog.map((r) => r.id),
    log: recordingLog(),
    render: () => ({
      now: new Date('2025-03-11T00:15:00Z'),
      configPrefix: '/trailguard',
      accountAliases: { '123456789012': 'prod-payments' },
    }),
  };
}

describe('daily summary (moto)', () => {
  it('counts the day’s findings by rule and severity, the actions taken and the dry-run rules that would have acted', async () => {
    // Prepare: the alerter handles findings during the day (one of them a repeat); the remediator records steps.
    const [high, critical] = await Promise.all([highFinding(), criticalFinding()]);
    const alerterDeps: AlerterDeps = {
      sns,
      topicArn,
      state: new DynamoDbStateStore(dynamodb, stateTable),
      windows: new DynamoDbWindowStore(dynamodb, stateTable),
      settings: async () => ({ escalationMinSeverity: 'critical', aggregationWindowSeconds: 900 }),
      log: recordingLog(),
      render: () => ({ now: DURING }),
      now: () => DURING,
    };
    const repeat = repeatOf(high, 1, new Date(Date.parse(high.eventTime) + 60_000).toISOString());
    for (const f of [high, repeat, critical]) await alert(findingBody(f), f.id, alerterDeps);
    await recordStep(DURING, critical.id, critical.ruleId, 'cloudtrail.start-logging', 'succeeded');
    await recordStep(DURING, high.id, high.ruleId, 'iam.disable-access-key', 'succeeded');
    await recordStep(DURING, repeat.id, high.ruleId, 'iam.disable-access-key', 'failed');
    await recordStep(DURING, 'dry-1', 'iam.admin-policy-attached', 'iam.quarantine-principal', 'dry-run');
    await recordStep(
      new Date('2025-03-09T23:59:59Z'),
      'old-1',
      high.ruleId,
      'iam.disable-access-key',
      'succeeded',
    );
    await drainQueue(sqs, inbox.url);
    published.length = 0;

    // Act
    const { result, summary } = await sendDailySummary(DAY, summaryDeps());
    const again = await sendDailySummary(DAY, summaryDeps());

    // Assess
    expect(result).toBe('published');
    expect(again.result).toBe('duplicate');
    expect(keysOf(await drainQueue(sqs, inbox.url))).toEqual([`daily-summary#summary-${DAY}`]);
    expect(summary.findings).toEqual([
      { ruleId: critical.ruleId, severity: 'critical', alerted: 1, aggregated: 0 },
      { ruleId: high.ruleId, severity: 'high', alerted: 1, aggregated: 1 },
    ]);
    expect(summary.bySeverity).toEqual({ info: 0, low: 0, medium: 0, high: 2, critical: 1 });
    expect(summary.actions).toEqual([
      { ruleId: critical.ruleId, action: 'cloudtrail.start-logging', status: 'succeeded', count: 1 },
      { ruleId: high.ruleId, action: 'iam.disable-access-key', status: 'failed', count: 1 },
      { ruleId: high.ruleId, action: 'iam.disable-access-key', status: 'succeeded', count: 1 },
      {
        ruleId: 'iam.admin-policy-attached',
        action: 'iam.quarantine-principal',
        status: 'dry-run',
        count: 1,
      },
    ]);
    expect(summary.dryRun).toEqual([
      { ruleId: 'iam.admin-policy-attached', action: 'iam.quarantine-principal', count: 1 },
    ]);
    expect((machineOf(published[0]).summary as DailySummary).id).toBe(summary.id);
    expect(published[0]?.MessageAttributes?.action?.StringValue).toBe('daily-summary');
    expect(published[0]?.MessageAttributes?.severity).toBeUndefined();
    matchGolden('daily-summary', `Subject: ${published[0]?.Subject}\n\n${emailOf(published[0])}`);
  });

  it('sends a heartbeat summary with no findings when nothing happened that day', async () => {
    // Act
    const { summary } = await sendDailySummary('2025-01-01', summaryDeps());

    // Assess
    expect(summary.findings).toEqual([]);
    expect(summary.actions).toEqual([]);
    expect(emailOf(published.at(-1))).toContain(
      'None. TrailGuard ran all day: this message is its heartbeat.',
    );
    expect(published.at(-1)?.Subject).toBe('[TrailGuard SUMMARY] 2025-01-01: 0 findings, 0 actions');
  });

  it('summarises the UTC day before the schedule’s event time', () => {
    // Prepare
    const event = JSON.stringify({ 'detail-type': 'Scheduled Event', time: '2025-03-11T00:15:00Z' });

    // Act / Assess
    expect(summaryDayOf(event, 'm-1')).toBe('2025-03-10');
    expect(previousUtcDay(new Date('2025-01-01T00:15:00Z'))).toBe('2024-12-31');
    expect(() => summaryDayOf('{"time": "yesterday"}', 'm-2')).toThrow(/message m-2: no valid "time"/);
  });
});
