import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteTopicCommand, type PublishCommandInput, SNSClient } from '@aws-sdk/client-sns';
import { DeleteQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbStateStore } from '../../lambdas/adapters/dynamodb-state';
import { LATE_EVENT_GRACE_SECONDS } from '../../lambdas/alerter/aggregation';
import { type AlerterDeps, alert, type WindowCheck } from '../../lambdas/alerter/alert';
import type { Digest } from '../../lambdas/alerter/documents';
import { DynamoDbWindowStore } from '../../lambdas/alerter/window-store';
import { sqsCheckScheduler } from '../../lambdas/alerter/wiring';
import type { Finding } from '../../lambdas/engine/types';
import { recordingLog } from '../../lambdas/shared/log';
import { createQueue, createStateTable, drainQueue, type QueueRef, uniqueName } from '../analyzer/support';
import { motoClientConfig } from '../support/aws';
import {
  capturePublishes,
  emailOf,
  findingBody,
  highFinding,
  keysOf,
  machineOf,
  repeatOf,
  topicWithQueue,
} from './support';

const T0 = Date.parse('2025-03-11T08:00:00Z');
const WINDOW = 900;
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

let sns: SNSClient;
let sqs: SQSClient;
let dynamodb: DynamoDBClient;
let topicArn: string;
let inbox: QueueRef;
let published: PublishCommandInput[];
const tables: string[] = [];
let tableName: string;
let base: Finding;

beforeAll(async () => {
  sns = new SNSClient(motoClientConfig());
  sqs = new SQSClient(motoClientConfig());
  dynamodb = new DynamoDBClient(motoClientConfig());
  published = capturePublishes(sns);
  ({ topicArn, queue: inbox } = await topicWithQueue(sns, sqs, 'trailguard-aggregation'));
  const real = await highFinding();
  base = { ...real, eventTime: at(0), evidence: real.evidence.map((e) => ({ ...e, eventTime: at(0) })) };
});

beforeEach(async () => {
  tableName = await createStateTable(dynamodb);
  tables.push(tableName);
  published.length = 0;
  await drainQueue(sqs, inbox.url);
});

afterAll(async () => {
  for (const table of tables) await dynamodb.send(new DeleteTableCommand({ TableName: table }));
  await sns.send(new DeleteTopicCommand({ TopicArn: topicArn }));
  await sqs.send(new DeleteQueueCommand({ QueueUrl: inbox.url }));
  sns.destroy();
  sqs.destroy();
  dynamodb.destroy();
});

interface Harness {
  readonly deps: AlerterDeps;
  readonly checks: { check: WindowCheck; delaySeconds: number }[];
  /** Moves the alerter's wall clock. */
  setNow(iso: string): void;
}

function harness(windowSeconds = WINDOW): Harness {
  const checks: { check: WindowCheck; delaySeconds: number }[] = [];
  let now = new Date(T0 + 60 * 60_000);
  return {
    checks,
    setNow: (iso) => {
      now = new Date(iso);
    },
    deps: {
      sns,
      topicArn,
      state: new DynamoDbStateStore(dynamodb, tableName),
      windows: new DynamoDbWindowStore(dynamodb, tableName),
      settings: async () => ({ escalationMinSeverity: 'critical', aggregationWindowSeconds: windowSeconds }),
      scheduleCheck: async (check, delaySeconds) => {
        checks.push({ check, delaySeconds });
      },
      log: recordingLog(),
      render: () => ({ now, configPrefix: '/trailguard' }),
      now: () => now,
    },
  };
}

/** Alerts each finding in order and returns each result. */
async function alertAll(findings: readonly Finding[], deps: AlerterDeps): Promise<string[]> {
  const results: string[] = [];
  for (const [i, finding] of findings.entries()) {
    results.push((await alert(findingBody(finding), `m-${i}`, deps)).result);
  }
  return results;
}

const digestOf = (input: PublishCommandInput | undefined) => machineOf(input).digest as Digest;

describe('alert aggregation (moto)', () => {
  it('emails the first finding and counts the repeats when the same principal repeats a rule within the window', async () => {
    // Prepare
    const { deps } = harness();
    const findings = [base, repeatOf(base, 1, at(2)), repeatOf(base, 2, at(5)), repeatOf(base, 3, at(14.9))];

    // Act
    const results = await alertAll(findings, deps);

    // Assess
    expect(results).toEqual(['published', 'aggregated', 'aggregated', 'aggregated']);
    expect(keysOf(await drainQueue(sqs, inbox.url))).toEqual([`finding#${base.id}`]);
  });

  it('sends a digest with the count and the first and last event times, then the new finding, when a finding comes after the window', async () => {
    // Prepare
    const { deps } = harness();
    const repeats = [repeatOf(base, 1, at(2)), repeatOf(base, 2, at(14)), repeatOf(base, 3, at(5))];
    const after = repeatOf(base, 4, at(16));
    await alertAll([base, ...repeats], deps);
    await drainQueue(sqs, inbox.url);
    published.length = 0;

    // Act
    const { result, digests } = await alert(findingBody(after), 'm-after', deps);

    // Assess
    expect(result).toBe('published');
    expect(digests).toBe(1);
    const delivered = keysOf(await drainQueue(sqs, inbox.url));
    const digest = digestOf(published[0]);
    expect(delivered).toEqual([`digest#${digest.id}`, `finding#${after.id}`]);
    expect(digest).toMatchObject({
      ruleId: base.ruleId,
      count: 3,
      firstEventTime: at(2),
      lastEventTime: at(14),
      windowStart: at(0),
      windowEnd: at(15),
      alertedFindingId: base.id,
      reason: 'window-closed',
      subject: base.principal.arn,
    });
    expect(digest.samples.map((s) => s.findingId)).toEqual(repeats.map((r) => r.id));
    expect(published[0]?.Subject).toBe(
      `[TrailGuard HIGH x3] ${base.title} - ${base.principal.identityName ?? ''}`.slice(0, 99),
    );
    expect(emailOf(published[0])).toContain(
      `  3 more findings of this rule for ${base.principal.arn}\n` +
        '  between 2025-03-11 08:02:00 UTC and 2025-03-11 08:14:00 UTC (event times).\n',
    );
    expect(published[0]?.MessageAttributes?.action?.StringValue).toBe('digest');
    expect(published[0]?.MessageAttributes?.severity?.StringValue).toBe('high');
  });

  it('counts by event time, not arrival order, and alerts on its own an event older than the window', async () => {
    // Prepare: the event at 10 min arrives first; CloudTrail delivers the earlier ones later.
    const { deps } = harness();
    const first = repeatOf(base, 1, at(10));
    const earlier = repeatOf(base, 2, at(0));
    const muchOlder = repeatOf(base, 3, at(-20));

    // Act
    const results = await alertAll([first, earlier, muchOlder], deps);

    // Assess
    expect(results).toEqual(['published', 'aggregated', 'published']);
    expect(keysOf(await drainQueue(sqs, inbox.url))).toEqual([
      `finding#${first.id}`,
      `finding#${muchOlder.id}`,
    ]);
  });

  it('sends the digest of a window that ended with no later finding once the check runs after the window and the grace', async () => {
    // Prepare
    const h = harness();
    await alertAll([base, repeatOf(base, 1, at(3)), repeatOf(base, 2, at(4))], h.deps);
    await drainQueue(sqs, inbox.url);
    published.length = 0;
    const [scheduled] = h.checks;
    const checkBody = JSON.stringify(scheduled?.check);

    // Act: too early (the window is over but late events may still come), then due, then delivered again.
    h.setNow(at(15 + 1));
    const early = await alert(checkBody, 'c-1', h.deps);
    h.setNow(new Date(T0 + (WINDOW + LATE_EVENT_GRACE_SECONDS) * 1000).toISOString());
    const due = await alert(checkBody, 'c-2', h.deps);
    const again = await alert(checkBody, 'c-3', h.deps);

    // Assess
    expect(h.checks).toHaveLength(2);
    expect(scheduled?.check).toMatchObject({ trailguard: 'aggregation-check', start: T0 });
    expect(h.checks[1]?.delaySeconds).toBe(LATE_EVENT_GRACE_SECONDS - 60);
    expect(early.digests).toBe(0);
    expect(due.digests).toBe(1);
    expect(again.digests).toBe(0);
    const digest = digestOf(published[0]);
    expect(digest).toMatchObject({
      count: 2,
      firstEventTime: at(3),
      lastEventTime: at(4),
      reason: 'window-ended',
    });
    expect(emailOf(published[0])).toContain('The window has ended with no later finding so far.');
    expect(keysOf(await drainQueue(sqs, inbox.url))).toEqual([`digest#${digest.id}`]);
  });

  it('counts a redelivered repeat once', async () => {
    // Prepare
    const { deps } = harness();
    const repeat = repeatOf(base, 1, at(1));
    await alertAll([base], deps);

    // Act
    const results = await alertAll([repeat, repeat, repeat], deps);
    await alert(findingBody(repeatOf(base, 2, at(20))), 'm-after', deps);

    // Assess
    expect(results).toEqual(['aggregated', 'duplicate', 'duplicate']);
    expect(digestOf(published.find((p) => p.MessageAttributes?.action?.StringValue === 'digest')).count).toBe(
      1,
    );
  });

  it('emails each finding when the principals differ or the rule differs', async () => {
    // Prepare
    const { deps } = harness();
    const otherPrincipal: Finding = {
      ...repeatOf(base, 1, at(1)),
      principal: { ...base.principal, arn: 'arn:aws:iam::111122223333:user/someone-else' },
    };
    const otherRule: Finding = { ...repeatOf(base, 2, at(2)), ruleId: 'iam.login-profile-for-another-user' };

    // Act
    const results = await alertAll([base, otherPrincipal, otherRule], deps);

    // Assess
    expect(results).toEqual(['published', 'published', 'published']);
  });

  it('emails every finding when the aggregation window is 0', async () => {
    // Prepare
    const { deps } = harness(0);

    // Act
    const results = await alertAll([base, repeatOf(base, 1, at(1)), repeatOf(base, 2, at(2))], deps);

    // Assess
    expect(results).toEqual(['published', 'published', 'published']);
  });

  it('never aggregates findings whose principal is unknown', async () => {
    // Prepare
    const { deps } = harness();
    const anonymous: Finding = { ...base, principal: { type: 'Unknown' } };

    // Act
    const results = await alertAll([anonymous, repeatOf(anonymous, 1, at(1))], deps);

    // Assess
    expect(results).toEqual(['published', 'published']);
  });

  it('puts the end-of-window check on the alerter queue and sends the digest when that message comes back', async () => {
    // Prepare: the alerter's clock is past the window and the grace, so the check is due at once.
    const alerterQueue = await createQueue(sqs, uniqueName('trailguard-alerter'));
    const h = harness();
    const deps: AlerterDeps = { ...h.deps, scheduleCheck: sqsCheckScheduler(sqs, alerterQueue.url) };
    await alertAll([base, repeatOf(base, 1, at(1))], deps);
    await drainQueue(sqs, inbox.url);
    published.length = 0;

    // Act
    const [queued] = await drainQueue(sqs, alerterQueue.url);
    const report = await alert(queued?.Body ?? '', queued?.MessageId ?? '', deps);

    // Assess
    expect(JSON.parse(queued?.Body ?? '{}')).toMatchObject({ trailguard: 'aggregation-check', start: T0 });
    expect(report).toEqual({ result: 'checked', escalated: 0, digests: 1 });
    expect(digestOf(published[0])).toMatchObject({ count: 1, reason: 'window-ended' });
    await sqs.send(new DeleteQueueCommand({ QueueUrl: alerterQueue.url }));
  });

  it('aggregates a threshold rule by its group, so repeats of the same source address become one digest', async () => {
    // Prepare
    const { deps } = harness();
    const threshold = {
      groupByLabel: 'source IP address',
      groupKey: '45.148.10.22',
      count: 5,
      threshold: 5,
      windowSeconds: 300,
    };
    const first: Finding = { ...base, threshold, principal: { type: 'IAMUser', identityName: 'alice' } };
    const sameAddressOtherUser: Finding = {
      ...repeatOf(first, 1, at(6)),
      principal: { type: 'IAMUser', identityName: 'bob' },
    };

    // Act
    const results = await alertAll([first, sameAddressOtherUser], deps);

    // Assess
    expect(results).toEqual(['published', 'aggregated']);
  });
});
