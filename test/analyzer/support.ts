import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateEventBusCommand,
  type EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { CloudTrailRecord } from '../../lambdas/engine/types';
import { createStateTable as createTable } from '../../local/tables';

/**
 * Test files share one moto_server and run in parallel without resetting it, so every resource a test
 * creates gets a name no other test uses.
 */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 12)}`;
}

/** A CloudTrail record from `test/fixtures/rules/<ruleId>/<kind>/<name>.json`. */
export function loadRuleFixture(
  ruleId: string,
  kind: 'positive' | 'negative',
  name: string,
): CloudTrailRecord {
  const url = new URL(`../fixtures/rules/${ruleId}/${kind}/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as CloudTrailRecord;
}

/** The record as the default-bus rules deliver it to the analyzer queue. */
export function eventBridgeEnvelope(record: CloudTrailRecord): string {
  return JSON.stringify({
    version: '0',
    id: randomUUID(),
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.cloudtrail',
    account: record.recipientAccountId ?? '123456789012',
    time: record.eventTime,
    region: record.awsRegion ?? 'us-east-1',
    resources: [],
    detail: record,
  });
}

/** A uniquely named state table with the key schema the stack uses. */
export async function createStateTable(dynamodb: DynamoDBClient): Promise<string> {
  const tableName = uniqueName('trailguard-state');
  await createTable(dynamodb, tableName);
  return tableName;
}

export interface QueueRef {
  readonly url: string;
  readonly arn: string;
}

export async function createQueue(sqs: SQSClient, name = uniqueName('trailguard-q')): Promise<QueueRef> {
  const created = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const url = created.QueueUrl;
  if (url === undefined) throw new Error(`CreateQueue ${name} returned no URL`);
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  const arn = attributes.Attributes?.QueueArn;
  if (arn === undefined) throw new Error(`queue ${name} has no ARN`);
  return { url, arn };
}

/**
 * A custom event bus whose one rule sends TrailGuard findings to a fresh queue, as the findings bus does for its
 * consumers. moto delivers PutEvents to the target queue synchronously.
 */
export async function createFindingsBus(
  eventBridge: EventBridgeClient,
  sqs: SQSClient,
): Promise<{ busName: string; queue: QueueRef }> {
  const busName = uniqueName('trailguard-findings');
  await eventBridge.send(new CreateEventBusCommand({ Name: busName }));
  const queue = await createQueue(sqs);
  const ruleName = uniqueName('to-queue');
  await eventBridge.send(
    new PutRuleCommand({
      Name: ruleName,
      EventBusName: busName,
      EventPattern: JSON.stringify({ source: ['trailguard'] }),
    }),
  );
  await eventBridge.send(
    new PutTargetsCommand({
      Rule: ruleName,
      EventBusName: busName,
      Targets: [{ Id: 'queue', Arn: queue.arn }],
    }),
  );
  return { busName, queue };
}

/**
 * Every message currently in the queue (received and deleted). moto delivers SNS and EventBridge messages
 * synchronously, so once the publish call has returned, an empty receive means nothing more is coming.
 */
export async function drainQueue(
  sqs: SQSClient,
  url: string,
  options: { messageAttributes?: boolean } = {},
): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 60,
        MessageAttributeNames: options.messageAttributes ? ['All'] : undefined,
      }),
    );
    const batch = out.Messages ?? [];
    if (batch.length === 0) return all;
    all.push(...batch);
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: batch.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
}

/** Bodies of the queued messages, parsed. */
export function bodies<T = Record<string, unknown>>(messages: readonly Message[]): T[] {
  return messages.map((m) => JSON.parse(m.Body ?? 'null') as T);
}
