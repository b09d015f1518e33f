import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteQueueCommand, type Message, SQSClient } from '@aws-sdk/client-sqs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbStateStore } from '../../lambdas/adapters/dynamodb-state';
import { type AlerterDeps, alert } from '../../lambdas/alerter/alert';
import { alertingSettingsSource } from '../../lambdas/alerter/settings';
import { DynamoDbWindowStore } from '../../lambdas/alerter/window-store';
import { defaultParameters } from '../../lambdas/config/defaults';
import { ssmParameterFetcher } from '../../lambdas/config/ssm-fetcher';
import { ssmNames } from '../../lambdas/shared/contract';
import { recordingLog } from '../../lambdas/shared/log';
import { createStateTable, drainQueue, type QueueRef, uniqueName } from '../analyzer/support';
import { motoClientConfig } from '../support/aws';
import {
  criticalFinding,
  findingBody,
  highFinding,
  keysOf,
  mediumFinding,
  outcomeBody,
  outcomeOf,
  repeatOf,
  topicWithQueue,
} from './support';

let sns: SNSClient;
let sqs: SQSClient;
let dynamodb: DynamoDBClient;
let ssm: SSMClient;
let alerts: { topicArn: string; queue: QueueRef };
let escalation: { topicArn: string; queue: QueueRef };
let tableName: string;
const tables: string[] = [];

beforeAll(async () => {
  sns = new SNSClient(motoClientConfig());
  sqs = new SQSClient(motoClientConfig());
  dynamodb = new DynamoDBClient(motoClientConfig());
  ssm = new SSMClient(motoClientConfig());
  alerts = await topicWithQueue(sns, sqs, 'trailguard-alerts');
  escalation = await topicWithQueue(sns, sqs, 'trailguard-escalation');
});

beforeEach(async () => {
  tableName = await createStateTable(dynamodb);
  tables.push(tableName);
  await drainQueue(sqs, alerts.queue.url);
  await drainQueue(sqs, escalation.queue.url);
});

afterAll(async () => {
  for (const table of tables) await dynamodb.send(new DeleteTableCommand({ TableName: table }));
  for (const { topicArn, queue } of [alerts, escalation]) {
    await sns.send(new DeleteTopicCommand({ TopicArn: topicArn }));
    await sqs.send(new DeleteQueueCommand({ QueueUrl: queue.url }));
  }
  for (const client of [sns, sqs, dynamodb, ssm]) client.destroy();
});

/** The stack's SSM parameters under a fresh prefix, with `changes` applied (names relative to the prefix). */
async function configPrefix(changes: Record<string, string> = {}): Promise<string> {
  const prefix = `/${uniqueName('tg-escalation')}`;
  for (const p of defaultParameters(prefix, [], 'arn:aws:iam::111122223333:root')) {
    const relative = p.name.slice(prefix.length + 1);
    await ssm.send(
      new PutParameterCommand({
        Name: p.name,
        Value: changes[relative] ?? p.value,
        Type: p.type,
        Overwrite: true,
      }),
    );
  }
  return prefix;
}

async function deps(prefix: string, overrides: Partial<AlerterDeps> = {}): Promise<AlerterDeps> {
  const log = recordingLog();
  return {
    sns,
    topicArn: alerts.topicArn,
    escalationTopicArn: escalation.topicArn,
    state: new DynamoDbStateStore(dynamodb, tableName),
    windows: new DynamoDbWindowStore(dynamodb, tableName),
    settings: alertingSettingsSource(ssmParameterFetcher(ssm, ssmNames.alerting(prefix)), prefix, 0, log),
    log,
    render: () => ({ now: new Date('2025-03-11T08:20:00Z') }),
    ...overrides,
  };
}

const escalationOf = (messages: readonly Message[]) =>
  messages.map((m) => m.MessageAttributes?.escalation?.StringValue);

describe('escalation (moto)', () => {
  it('sends a critical finding to both topics and a high or medium one to the alert topic only with the default escalation severity', async () => {
    // Prepare
    const d = await deps(await configPrefix());
    const [medium, high, critical] = await Promise.all([mediumFinding(), highFinding(), criticalFinding()]);

    // Act
    const reports = [];
    for (const f of [medium, high, critical]) reports.push(await alert(findingBody(f), f.id, d));

    // Assess
    expect(reports.map((r) => r.escalated)).toEqual([0, 0, 1]);
    expect(keysOf(await drainQueue(sqs, alerts.queue.url))).toHaveLength(3);
    const paged = await drainQueue(sqs, escalation.queue.url, { messageAttributes: true });
    expect(keysOf(paged)).toEqual([`finding#${critical.id}`]);
    expect(escalationOf(paged)).toEqual(['severity']);
  });

  it('escalates high findings too when the SSM escalation severity is lowered to high', async () => {
    // Prepare
    const d = await deps(await configPrefix({ 'alerting/escalation-min-severity': 'high' }));
    const [medium, high] = await Promise.all([mediumFinding(), highFinding()]);

    // Act
    await alert(findingBody(medium), 'm-1', d);
    await alert(findingBody(high), 'm-2', d);

    // Assess
    expect(keysOf(await drainQueue(sqs, escalation.queue.url))).toEqual([`finding#${high.id}`]);
  });

  it('keeps the default escalation severity when the SSM value is not a severity', async () => {
    // Prepare
    const d = await deps(await configPrefix({ 'alerting/escalation-min-severity': 'urgent' }));
    const high = await highFinding();

    // Act
    const report = await alert(findingBody(high), 'm-1', d);

    // Assess
    expect(report.escalated).toBe(0);
    expect(await drainQueue(sqs, escalation.queue.url)).toEqual([]);
  });

  it('escalates an outcome with a failed step and one stopped by the open circuit, but not a contained one', async () => {
    // Prepare
    const d = await deps(await configPrefix());
    const high = await highFinding();
    const failed = { ...outcomeOf(high, ['succeeded', 'failed']), id: `${high.id}:failed` };
    const circuit = { ...outcomeOf(high, ['skipped-circuit-open']), id: `${high.id}:circuit` };
    const contained = { ...outcomeOf(high, ['succeeded']), id: `${high.id}:contained` };

    // Act
    for (const o of [failed, circuit, contained]) await alert(outcomeBody(o), o.id, d);

    // Assess
    const paged = await drainQueue(sqs, escalation.queue.url, { messageAttributes: true });
    expect(keysOf(paged)).toEqual([`remediation-outcome#${failed.id}`, `remediation-outcome#${circuit.id}`]);
    expect(escalationOf(paged)).toEqual(['remediation-failed', 'circuit-open']);
    expect(paged.map((m) => m.MessageAttributes?.action?.StringValue)).toEqual([
      'remediation:failed',
      'remediation:circuit-open',
    ]);
    expect(keysOf(await drainQueue(sqs, alerts.queue.url))).toHaveLength(3);
  });

  it('publishes the escalation on the retry without emailing the alert again when the escalation topic failed first', async () => {
    // Prepare
    const prefix = await configPrefix();
    const critical = await criticalFinding();
    const body = findingBody(critical);
    const broken = await deps(prefix, { escalationTopicArn: `${escalation.topicArn}-missing` });

    // Act
    const first = alert(body, 'm-1', broken);
    await expect(first).rejects.toThrow(/does not exist|not found/i);
    const retried = await alert(body, 'm-1', await deps(prefix));

    // Assess
    expect(retried).toEqual({ result: 'published', escalated: 1, digests: 0 });
    expect(keysOf(await drainQueue(sqs, alerts.queue.url))).toEqual([`finding#${critical.id}`]);
    expect(keysOf(await drainQueue(sqs, escalation.queue.url))).toEqual([`finding#${critical.id}`]);
  });

  it('does not page again for repeats counted into an aggregation window', async () => {
    // Prepare
    const d = await deps(await configPrefix());
    const critical = await criticalFinding();
    const later = (minutes: number) =>
      new Date(Date.parse(critical.eventTime) + minutes * 60_000).toISOString();

    // Act
    await alert(findingBody(critical), 'm-1', d);
    const repeat = await alert(findingBody(repeatOf(critical, 1, later(3))), 'm-2', d);

    // Assess
    expect(repeat).toEqual({ result: 'aggregated', escalated: 0, digests: 0 });
    expect(keysOf(await drainQueue(sqs, escalation.queue.url))).toEqual([`finding#${critical.id}`]);
  });
});
