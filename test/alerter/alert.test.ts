import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, DeleteTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { DeleteQueueCommand, type Message, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbStateStore } from '../../lambdas/adapters/dynamodb-state';
import { type AlerterDeps, AlertInFlightError, alert } from '../../lambdas/alerter/alert';
import { renderFindingEmail } from '../../lambdas/alerter/render';
import { DetectionEngine } from '../../lambdas/engine/engine';
import { InMemoryStateStore } from '../../lambdas/engine/state/memory';
import type { CloudTrailRecord, Finding } from '../../lambdas/engine/types';
import { InvalidBusMessageError } from '../../lambdas/findings/bus-message';
import type { RemediationOutcome } from '../../lambdas/findings/outcome';
import { catalog } from '../../lambdas/rules';
import { DETAIL_TYPE } from '../../lambdas/shared/contract';
import { recordingLog } from '../../lambdas/shared/log';
import {
  createQueue,
  createStateTable,
  drainQueue,
  loadRuleFixture,
  type QueueRef,
  uniqueName,
} from '../analyzer/support';
import { motoClientConfig } from '../support/aws';

const NOW = new Date('2025-03-11T08:20:00Z');
const QUARANTINE_POLICY_ARN = 'arn:aws:iam::111122223333:policy/TrailGuardQuarantine';

let sns: SNSClient;
let sqs: SQSClient;
let dynamodb: DynamoDBClient;
let topicArn: string;
/** Subscribed with the filter policy `{"severity": ["high", "critical"]}` and raw message delivery. */
let pagerQueue: QueueRef;
/** Subscribed without a filter, with the default (SNS envelope) delivery. */
let archiveQueue: QueueRef;
let tableName: string;
const tables: string[] = [];

/** Lets SNS, and only this topic, send to the queue (moto does not enforce it; the real service does). */
async function allowTopic(queue: QueueRef): Promise<void> {
  const policy = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queue.arn,
        Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
      },
    ],
  };
  await sqs.send(
    new SetQueueAttributesCommand({ QueueUrl: queue.url, Attributes: { Policy: JSON.stringify(policy) } }),
  );
}

beforeAll(async () => {
  sns = new SNSClient(motoClientConfig());
  sqs = new SQSClient(motoClientConfig());
  dynamodb = new DynamoDBClient(motoClientConfig());
  const topic = await sns.send(new CreateTopicCommand({ Name: uniqueName('trailguard-alerts') }));
  topicArn = topic.TopicArn ?? '';
  pagerQueue = await createQueue(sqs, uniqueName('trailguard-pager'));
  archiveQueue = await createQueue(sqs, uniqueName('trailguard-archive'));
  await allowTopic(pagerQueue);
  await allowTopic(archiveQueue);
  await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: pagerQueue.arn,
      Attributes: {
        FilterPolicy: JSON.stringify({ severity: ['high', 'critical'] }),
        RawMessageDelivery: 'true',
      },
    }),
  );
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: archiveQueue.arn }));
});

beforeEach(async () => {
  // Each test gets its own dedupe state, so findings built from the same fixtures are new again.
  tableName = await createStateTable(dynamodb);
  tables.push(tableName);
});

afterEach(async () => {
  await drainQueue(sqs, pagerQueue.url);
  await drainQueue(sqs, archiveQueue.url);
});

afterAll(async () => {
  for (const table of tables) await dynamodb.send(new DeleteTableCommand({ TableName: table }));
  await sns.send(new DeleteTopicCommand({ TopicArn: topicArn }));
  await sqs.send(new DeleteQueueCommand({ QueueUrl: pagerQueue.url }));
  await sqs.send(new DeleteQueueCommand({ QueueUrl: archiveQueue.url }));
  sns.destroy();
  sqs.destroy();
  dynamodb.destroy();
});

function deps(overrides: Partial<AlerterDeps> = {}): AlerterDeps {
  return {
    sns,
    topicArn,
    state: new DynamoDbStateStore(dynamodb, tableName),
    log: recordingLog(),
    render: () => ({ now: NOW, quarantinePolicyArn: QUARANTINE_POLICY_ARN, configPrefix: '/trailguard' }),
    ...overrides,
  };
}

/** The finding of `ruleId` that the real engine raises for one real positive fixture. */
async function engineFinding(
  ruleId: string,
  fixture: string,
  change?: (e: CloudTrailRecord) => CloudTrailRecord,
) {
  const engine = new DetectionEngine(catalog, { state: new InMemoryStateStore(), now: () => NOW });
  const record = loadRuleFixture(ruleId, 'positive', fixture);
  const { findings } = await engine.analyze(change ? change(record) : record);
  const finding = findings.find((f) => f.ruleId === ruleId);
  if (finding === undefined) throw new Error(`the engine raised no ${ruleId} finding for ${fixture}`);
  return finding;
}

const mediumFinding = () => engineFinding('signin.console-login-without-mfa', 'iam-user-password-only');
const highFinding = () =>
  engineFinding('iam.access-key-created-for-another-user', 'iam-user-creates-key-for-another-user');
const criticalFinding = () => engineFinding('cloudtrail.logging-stopped', 'iam-user-stops-trail-by-name');

function outcomeOf(finding: Finding): RemediationOutcome {
  return {
    schemaVersion: '1.0',
    id: `${finding.id}:outcome`,
    findingId: finding.id,
    ruleId: finding.ruleId,
    title: finding.title,
    severity: finding.severity,
    summary: finding.summary,
    principal: finding.principal,
    account: finding.account,
    region: finding.region,
    eventTime: finding.eventTime,
    mode: 'enforce',
    steps: [
      {
        index: 0,
        action: 'cloudtrail.start-logging',
        description: 'Start logging on CloudTrail trail org-audit-trail in eu-west-1.',
        status: 'succeeded',
        undoCommand: 'aws cloudtrail stop-logging --name org-audit-trail --region eu-west-1',
      },
    ],
    decidedAt: '2025-03-11T08:17:05.000Z',
  };
}

/** The findings-bus event as EventBridge delivers it to the alerter queue. */
function busEvent(detailType: string, detail: unknown): string {
  return JSON.stringify({
    version: '0',
    id: uniqueName('event'),
    'detail-type': detailType,
    source: 'trailguard',
    account: '111122223333',
    time: '2025-03-11T08:17:00Z',
    region: 'us-east-1',
    resources: [],
    detail,
  });
}

const findingBody = (finding: Finding) => busEvent(DETAIL_TYPE.finding, finding);
const outcomeBody = (outcome: RemediationOutcome) => busEvent(DETAIL_TYPE.remediationOutcome, outcome);

interface Envelope {
  Type: string;
  Subject?: string;
  Message: string;
  MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

/** `type#id` of the document each message carries; raw delivery has it as the body, the envelope as `Message`. */
function documentKeys(messages: readonly Message[], raw: boolean): string[] {
  return messages
    .map((m) => {
      const body = JSON.parse(m.Body ?? '{}');
      const doc = raw ? body : JSON.parse((body as Envelope).Message);
      return `${doc.type}#${doc.type === 'finding' ? doc.finding.id : doc.outcome.id}`;
    })
    .sort();
}

describe('alert', () => {
  it('delivers only high and critical alerts to the filtered queue and every alert to the other when findings of three severities and an outcome are alerted', async () => {
    // Prepare
    const [medium, high, critical] = await Promise.all([mediumFinding(), highFinding(), criticalFinding()]);
    const outcome = outcomeOf(critical);
    const d = deps();

    // Act
    const results = [
      (await alert(findingBody(medium), 'm-1', d)).result,
      (await alert(findingBody(high), 'm-2', d)).result,
      (await alert(findingBody(critical), 'm-3', d)).result,
      (await alert(outcomeBody(outcome), 'm-4', d)).result,
    ];

    // Assess
    expect(results).toEqual(['published', 'published', 'published', 'published']);
    expect([medium.severity, high.severity, critical.severity]).toEqual(['medium', 'high', 'critical']);
    const paged = await drainQueue(sqs, pagerQueue.url);
    const archived = await drainQueue(sqs, archiveQueue.url);
    expect(documentKeys(paged, true)).toEqual(
      [`finding#${high.id}`, `finding#${critical.id}`, `remediation-outcome#${outcome.id}`].sort(),
    );
    expect(documentKeys(archived, false)).toEqual(
      [
        `finding#${medium.id}`,
        `finding#${high.id}`,
        `finding#${critical.id}`,
        `remediation-outcome#${outcome.id}`,
      ].sort(),
    );
  });

  it('delivers the JSON document with severity, rule, account and action attributes, not the email text, when a finding reaches an SQS subscriber', async () => {
    // Prepare
    const critical = await criticalFinding();
    const email = renderFindingEmail(critical, deps().render());

    // Act
    await alert(findingBody(critical), 'm-1', deps());

    // Assess
    const [enveloped] = await drainQueue(sqs, archiveQueue.url);
    const envelope = JSON.parse(enveloped?.Body ?? '{}') as Envelope;
    expect(envelope.Type).toBe('Notification');
    expect(envelope.Subject).toBe(email.subject);
    expect(envelope.Message).not.toContain('WHAT HAPPENED');
    expect(JSON.parse(envelope.Message)).toEqual(
      JSON.parse(JSON.stringify({ version: '1.0', type: 'finding', finding: critical })),
    );
    expect(envelope.MessageAttributes).toEqual({
      severity: { Type: 'String', Value: 'critical' },
      ruleId: { Type: 'String', Value: 'cloudtrail.logging-stopped' },
      account: { Type: 'String', Value: '111122223333' },
      action: { Type: 'String', Value: 'detected:enforce' },
    });
    const [raw] = await drainQueue(sqs, pagerQueue.url, { messageAttributes: true });
    expect(JSON.parse(raw?.Body ?? '{}')).toMatchObject({
      version: '1.0',
      type: 'finding',
      finding: { id: critical.id },
    });
    expect(raw?.MessageAttributes).toMatchObject({
      severity: { DataType: 'String', StringValue: 'critical' },
      ruleId: { DataType: 'String', StringValue: 'cloudtrail.logging-stopped' },
      account: { DataType: 'String', StringValue: '111122223333' },
      action: { DataType: 'String', StringValue: 'detected:enforce' },
    });
  });

  it('sets the action attribute to the remediation verdict when an outcome is alerted', async () => {
    // Prepare
    const outcome = outcomeOf(await criticalFinding());

    // Act
    await alert(outcomeBody(outcome), 'm-1', deps());

    // Assess
    const [enveloped] = await drainQueue(sqs, archiveQueue.url);
    const envelope = JSON.parse(enveloped?.Body ?? '{}') as Envelope;
    expect(envelope.Subject).toBe('[TrailGuard CONTAINED] CloudTrail logging stopped - build-bot');
    expect(JSON.parse(envelope.Message)).toMatchObject({
      version: '1.0',
      type: 'remediation-outcome',
      outcome: { id: outcome.id },
    });
    expect(envelope.MessageAttributes?.action).toEqual({ Type: 'String', Value: 'remediation:acted' });
  });

  it('refuses a concurrent second delivery while the first holds the claim, so only one publishes', async () => {
    // Prepare
    const critical = await criticalFinding();
    const state = new DynamoDbStateStore(dynamodb, tableName);
    await state.putIfAbsent(`alert-claim#finding#${critical.id}`, 120);

    // Act
    const second = alert(findingBody(critical), 'm-2', deps({ state }));

    // Assess
    await expect(second).rejects.toBeInstanceOf(AlertInFlightError);
    expect(await drainQueue(sqs, archiveQueue.url)).toHaveLength(0);
  });

  it('publishes once and reports duplicates when the same finding body is delivered 5 times', async () => {
    // Prepare
    const body = findingBody(await highFinding());
    const d = deps();

    // Act
    const results: string[] = [];
    for (let i = 0; i < 5; i++) results.push((await alert(body, `m-${i}`, d)).result);

    // Assess
    expect(results).toEqual(['published', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    expect(await drainQueue(sqs, archiveQueue.url)).toHaveLength(1);
    expect(await drainQueue(sqs, pagerQueue.url)).toHaveLength(1);
  });

  it('throws and releases the dedupe mark so that a retry publishes when SNS rejects the publish', async () => {
    // Prepare
    const critical = await criticalFinding();
    const body = findingBody(critical);
    const state = new DynamoDbStateStore(dynamodb, tableName);
    const missingTopic = `${topicArn}-does-not-exist`;

    // Act
    const failed = alert(body, 'm-1', deps({ state, topicArn: missingTopic }));
    await expect(failed).rejects.toThrow(/does not exist|not found/i);
    const claimAfterFailure = await state.has(`alert-claim#finding#${critical.id}`);
    const sentAfterFailure = await state.has(`alert-sent#finding#${critical.id}`);
    const retried = await alert(body, 'm-1', deps({ state }));

    // Assess
    expect(claimAfterFailure).toBe(false);
    expect(sentAfterFailure).toBe(false);
    expect(retried.result).toBe('published');
    expect(await state.has(`alert-sent#finding#${critical.id}`)).toBe(true);
    expect(documentKeys(await drainQueue(sqs, archiveQueue.url), false)).toEqual([`finding#${critical.id}`]);
  });

  it.each([
    {
      why: 'the body is not JSON',
      body: () => '{"detail-type": "TrailGuard Finding", ',
      naming: /message m-bad: body is not JSON/,
    },
    {
      why: 'the detail-type is not a TrailGuard one',
      body: () => busEvent('AWS API Call via CloudTrail', {}),
      naming: /message m-bad: unexpected detail-type "AWS API Call via CloudTrail"/,
    },
    {
      why: 'the finding has no severity',
      body: async () => {
        const { severity: _dropped, ...rest } = await highFinding();
        return findingBody(rest as Finding);
      },
      naming: /message m-bad: invalid finding: severity: /,
    },
  ])(
    'throws InvalidBusMessageError naming the problem and publishes nothing when $why',
    async ({ body, naming }) => {
      // Prepare
      const text = await body();

      // Act
      const result = alert(text, 'm-bad', deps());

      // Assess
      await expect(result).rejects.toBeInstanceOf(InvalidBusMessageError);
      await expect(result).rejects.toThrow(naming);
      expect(await drainQueue(sqs, archiveQueue.url)).toEqual([]);
    },
  );

  it('publishes a finding whose CloudTrail strings are each 300 KB of NUL characters', async () => {
    // Prepare
    const nul = '\u0000'.repeat(300_000);
    const finding = await engineFinding(
      'cloudtrail.logging-stopped',
      'iam-user-stops-trail-by-name',
      (e) => ({
        ...e,
        userAgent: nul,
        sourceIPAddress: nul,
        awsRegion: nul,
        recipientAccountId: '111122223333',
        requestParameters: { name: 'org-audit-trail', tags: nul },
        userIdentity: { ...e.userIdentity, arn: nul, accountId: nul, accessKeyId: nul },
      }),
    );

    // Act
    const result = alert(findingBody(finding), 'm-1', deps());

    // Assess
    await expect(result).resolves.toMatchObject({ result: 'published' });
  });
});
