import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { DeleteQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbStateStore } from '../../lambdas/adapters/dynamodb-state';
import { type AlerterDeps, alert } from '../../lambdas/alerter/alert';
import type { DailySummary } from '../../lambdas/alerter/documents';
import { renderFindingEmail } from '../../lambdas/alerter/render';
import { buildPublishInput } from '../../lambdas/alerter/sns-message';
import { type Finding, SEVERITIES, type Severity } from '../../lambdas/engine/types';
import { recordingLog } from '../../lambdas/shared/log';
import { minSeverityFilterPolicy } from '../../lib/constructs/alert-topic';
import { createQueue, createStateTable, drainQueue, type QueueRef, uniqueName } from '../analyzer/support';
import { motoClientConfig } from '../support/aws';
import { allowTopic, criticalFinding, findingBody, keysOf, topicWithQueue } from './support';

/**
 * What each kind of subscriber receives from one publish with `MessageStructure: json`: people on `email` get the
 * `email` variant (moto does not deliver email, so that variant is checked on the publish itself); every machine
 * protocol gets `default`, the JSON document, raw or inside the SNS envelope.
 */
const NOW = new Date('2025-03-11T08:20:00Z');

let sns: SNSClient;
let sqs: SQSClient;
let dynamodb: DynamoDBClient;
let topicArn: string;
let raw: QueueRef;
let enveloped: QueueRef;
let server: Server;
const posts: string[] = [];
let tableName: string;

beforeAll(async () => {
  sns = new SNSClient(motoClientConfig());
  sqs = new SQSClient(motoClientConfig());
  dynamodb = new DynamoDBClient(motoClientConfig());
  tableName = await createStateTable(dynamodb);
  ({ topicArn, queue: raw } = await topicWithQueue(sns, sqs, 'trailguard-protocols'));
  enveloped = await createQueue(sqs, uniqueName('trailguard-enveloped'));
  await allowTopic(sqs, enveloped, topicArn);
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: enveloped.arn }));
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      posts.push(Buffer.concat(chunks).toString('utf8'));
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await sns.send(
    new SubscribeCommand({ TopicArn: topicArn, Protocol: 'http', Endpoint: `http://127.0.0.1:${port}/hook` }),
  );
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await dynamodb.send(new DeleteTableCommand({ TableName: tableName }));
  await sns.send(new DeleteTopicCommand({ TopicArn: topicArn }));
  for (const q of [raw, enveloped]) await sqs.send(new DeleteQueueCommand({ QueueUrl: q.url }));
  for (const client of [sns, sqs, dynamodb]) client.destroy();
});

function deps(): AlerterDeps {
  return {
    sns,
    topicArn,
    state: new DynamoDbStateStore(dynamodb, tableName),
    log: recordingLog(),
    render: () => ({ now: NOW }),
  };
}

describe('SNS variants per protocol (moto)', () => {
  it('delivers the JSON document to raw SQS, enveloped SQS and HTTP subscribers, and the text only in the email variant', async () => {
    // Prepare
    const critical = await criticalFinding();
    const expected = JSON.parse(JSON.stringify({ version: '1.0', type: 'finding', finding: critical }));
    const email = renderFindingEmail(critical, { now: NOW });
    posts.length = 0;

    // Act
    await alert(findingBody(critical), 'm-1', deps());

    // Assess
    const [rawMessage] = await drainQueue(sqs, raw.url);
    expect(JSON.parse(rawMessage?.Body ?? '{}')).toEqual(expected);
    const [envelope] = await drainQueue(sqs, enveloped.url);
    const notification = JSON.parse(envelope?.Body ?? '{}') as { Subject: string; Message: string };
    expect(notification.Subject).toBe(email.subject);
    expect(JSON.parse(notification.Message)).toEqual(expected);
    expect(posts).toHaveLength(1);
    const posted = JSON.parse(posts[0] ?? '{}') as { Type: string; Message: string };
    expect(posted.Type).toBe('Notification');
    expect(JSON.parse(posted.Message)).toEqual(expected);
    for (const delivered of [rawMessage?.Body ?? '', notification.Message, posted.Message]) {
      expect(delivered).not.toContain('WHAT HAPPENED');
    }
    const input = buildPublishInput(topicArn, { type: 'finding', finding: critical }, email, {
      severity: critical.severity,
      ruleId: critical.ruleId,
      action: 'detected:enforce',
    });
    expect(Object.keys(JSON.parse(input.Message ?? '{}'))).toEqual(['default', 'email']);
    expect(JSON.parse(input.Message ?? '{}').email).toBe(email.text);
  });
});

describe('minimum severity filter policy of the email subscription (moto)', () => {
  it('delivers findings at or above medium and the daily summary, and nothing below medium', async () => {
    // Prepare: the filter policy the stack puts on the email subscription, on an SQS stand-in for the inbox.
    const { topicArn: filteredTopic, queue } = await topicWithQueue(
      sns,
      sqs,
      'trailguard-min-severity',
      minSeverityFilterPolicy('medium'),
    );
    const critical = await criticalFinding();
    const bySeverity = new Map<Severity, Finding>(
      SEVERITIES.map((severity) => [
        severity,
        { ...critical, id: `${critical.id.slice(0, 20)}-${severity}`, severity },
      ]),
    );
    const summary: DailySummary = {
      schemaVersion: '1.0',
      id: 'summary-2025-03-10',
      day: '2025-03-10',
      from: '2025-03-10T00:00:00.000Z',
      to: '2025-03-11T00:00:00.000Z',
      findings: [],
      bySeverity: { info: 0, low: 0, medium: 0, high: 0, critical: 0 },
      actions: [],
      dryRun: [],
      auditTruncated: false,
    };
    const d = { ...deps(), topicArn: filteredTopic };

    // Act
    for (const finding of bySeverity.values()) await alert(findingBody(finding), finding.id, d);
    await sns.send(
      new PublishCommand(
        buildPublishInput(
          filteredTopic,
          { type: 'daily-summary', summary },
          { subject: 'TrailGuard summary', text: 'summary' },
          { action: 'daily-summary' },
        ),
      ),
    );

    // Assess
    expect(keysOf(await drainQueue(sqs, queue.url)).sort()).toEqual(
      [
        `finding#${bySeverity.get('medium')?.id}`,
        `finding#${bySeverity.get('high')?.id}`,
        `finding#${bySeverity.get('critical')?.id}`,
        'daily-summary#summary-2025-03-10',
      ].sort(),
    );
    await sns.send(new DeleteTopicCommand({ TopicArn: filteredTopic }));
    await sqs.send(new DeleteQueueCommand({ QueueUrl: queue.url }));
  });
});
