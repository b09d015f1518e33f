/**
 * The scheduled posture Lambda handler, as deployed, against moto: it reads the account through the shared SDK
 * clients (AWS_ENDPOINT_URL points them at moto), stores the report in S3, puts a finding per violation on the
 * findings bus (routed to a queue here, as to the alerter in the stack) and sends the summary to the alert topic
 * (an SQS subscription stands in for the inbox).
 */

import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateAccessKeyCommand,
  CreateLoginProfileCommand,
  CreateUserCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { Finding } from '../../lambdas/engine/types';
import type { PostureReport } from '../../lambdas/posture/report';
import { DETAIL_TYPE, ENV, FINDING_SOURCE } from '../../lambdas/shared/contract';
import { motoClientConfig } from '../support/aws';

const suffix = Math.random().toString(36).slice(2, 8);
const P = `tgh-${suffix}-`;
const BUCKET = `trailguard-posture-${suffix}`;
const context = {
  functionName: 'trailguard-posture',
  awsRequestId: `req-${suffix}`,
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:trailguard-posture',
} as Context;

let s3: S3Client;
let sqs: SQSClient;
let findingsQueue: string;
let inboxQueue: string;
let handler: (event: unknown, context: Context) => Promise<{ account: string; violations: number }>;

async function queue(name: string): Promise<{ url: string; arn: string }> {
  const { QueueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl, arn: attrs.Attributes?.QueueArn ?? '' };
}

/** Every message on the queue, until a receive finds none. */
async function drain(url: string): Promise<Message[]> {
  const all: Message[] = [];
  for (let empty = 0; empty < 1; ) {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
      }),
    );
    const batch = out.Messages ?? [];
    if (batch.length === 0) empty += 1;
    else all.push(...batch);
  }
  return all;
}

beforeAll(async () => {
  s3 = new S3Client({ ...motoClientConfig(), forcePathStyle: true });
  sqs = new SQSClient(motoClientConfig());
  const iam = new IAMClient(motoClientConfig());
  const events = new EventBridgeClient(motoClientConfig());
  const sns = new SNSClient(motoClientConfig());

  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const findings = await queue(`${P}findings`);
  const inbox = await queue(`${P}inbox`);
  findingsQueue = findings.url;
  inboxQueue = inbox.url;
  const bus = `${P}bus`;
  await events.send(new CreateEventBusCommand({ Name: bus }));
  await events.send(
    new PutRuleCommand({
      Name: `${P}to-queue`,
      EventBusName: bus,
      EventPattern: JSON.stringify({ source: [FINDING_SOURCE], 'detail-type': [DETAIL_TYPE.finding] }),
    }),
  );
  await events.send(
    new PutTargetsCommand({
      Rule: `${P}to-queue`,
      EventBusName: bus,
      Targets: [{ Id: 'q', Arn: findings.arn }],
    }),
  );
  const { TopicArn = '' } = await sns.send(new CreateTopicCommand({ Name: `${P}alerts` }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: inbox.arn }));

  // Violations that need no backdating: two active keys, a console password without MFA.
  await iam.send(new CreateUserCommand({ UserName: `${P}two-keys` }));
  await iam.send(new CreateAccessKeyCommand({ UserName: `${P}two-keys` }));
  await iam.send(new CreateAccessKeyCommand({ UserName: `${P}two-keys` }));
  await iam.send(new CreateUserCommand({ UserName: `${P}no-mfa` }));
  await iam.send(new CreateLoginProfileCommand({ UserName: `${P}no-mfa`, Password: 'Correct-Horse-9!' }));
  for (const client of [iam, events, sns]) client.destroy();

  // What the stack sets; the shared clients reach moto through AWS_ENDPOINT_URL.
  process.env.AWS_ENDPOINT_URL = inject('motoEndpoint');
  process.env[ENV.configPrefix] = `/tg-handler-${suffix}`;
  process.env[ENV.findingsBus] = bus;
  process.env[ENV.postureBucket] = BUCKET;
  process.env[ENV.alertTopicArn] = TopicArn;
  ({ handler } = await import('../../lambdas/handlers/posture'));
});

describe('the posture handler', () => {
  it('stores the report, raises the findings and sends the summary when the schedule fires', async () => {
    // Act
    const result = await handler({ 'detail-type': 'Scheduled Event', source: 'aws.events' }, context);
    // Assess: the report, in JSON and HTML, filed by account and day.
    const listed = await s3.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'posture/123456789012/' }),
    );
    const keys = (listed.Contents ?? []).map((o) => o.Key ?? '');
    expect(keys.filter((k) => k.endsWith('.json'))).toHaveLength(1);
    expect(keys.filter((k) => k.endsWith('.html'))).toHaveLength(1);
    const object = await s3.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: keys.find((k) => k.endsWith('.json')) }),
    );
    const report = JSON.parse((await object.Body?.transformToString()) ?? '{}') as PostureReport;
    expect(report).toMatchObject({ schemaVersion: '1.0', account: '123456789012' });
    expect(result).toMatchObject({ account: '123456789012', violations: report.summary.violations });
    expect(report.users.filter((u) => u.userName.startsWith(P))).toEqual([
      expect.objectContaining({
        userName: `${P}two-keys`,
        status: 'fail',
        failed: ['posture.multiple-active-access-keys'],
      }),
      expect.objectContaining({
        userName: `${P}no-mfa`,
        status: 'fail',
        failed: ['posture.console-user-without-mfa'],
      }),
    ]);

    // The findings, on the bus, with the ids the report links.
    const findings = (await drain(findingsQueue)).map((m) => JSON.parse(m.Body ?? '{}').detail as Finding);
    const mine = findings.filter((f) => f.principal.identityName?.startsWith(P));
    expect(mine.map((f) => `${f.ruleId} ${f.principal.identityName}`).sort()).toEqual([
      `posture.console-user-without-mfa ${P}no-mfa`,
      `posture.multiple-active-access-keys ${P}two-keys`,
    ]);
    const linked = report.checks.flatMap((c) => c.violations.map((v) => v.findingId));
    for (const f of mine) expect(linked).toContain(f.id);

    // The summary email, with the report's location.
    const [summary] = (await drain(inboxQueue)).map(
      (m) => JSON.parse(m.Body ?? '{}') as { Subject: string; Message: string },
    );
    expect(summary?.Subject).toMatch(/^TrailGuard posture 123456789012: \d+ of 12 checks failing$/);
    expect(JSON.parse(summary?.Message ?? '{}')).toMatchObject({
      type: 'posture-report',
      location: `s3://${BUCKET}/${keys.find((k) => k.endsWith('.json'))}`,
    });
  }, 90_000);

  it('raises the same finding ids for the same violations on the next run', async () => {
    // Prepare
    const ids = async () => {
      await handler({}, context);
      return (await drain(findingsQueue))
        .map((m) => JSON.parse(m.Body ?? '{}').detail as Finding)
        .filter((f) => f.principal.identityName?.startsWith(P))
        .map((f) => f.id)
        .sort();
    };
    // Act
    const first = await ids();
    const second = await ids();
    // Assess
    expect(first).toHaveLength(2);
    expect(second).toEqual(first);
  }, 90_000);
});
