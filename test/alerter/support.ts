import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PublishCommandInput, SNSClient } from '@aws-sdk/client-sns';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { type Message, SetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { expect } from 'vitest';
import { DetectionEngine } from '../../lambdas/engine/engine';
import { InMemoryStateStore } from '../../lambdas/engine/state/memory';
import type { CloudTrailRecord, Finding } from '../../lambdas/engine/types';
import type { RemediationOutcome, StepOutcome } from '../../lambdas/findings/outcome';
import { catalog } from '../../lambdas/rules';
import { DETAIL_TYPE } from '../../lambdas/shared/contract';
import { createQueue, loadRuleFixture, type QueueRef, uniqueName } from '../analyzer/support';

export const DETECTED_AT = new Date('2025-03-11T08:20:00Z');

/** The finding of `ruleId` that the real engine raises for one real positive fixture. */
export async function engineFinding(
  ruleId: string,
  fixture: string,
  change?: (e: CloudTrailRecord) => CloudTrailRecord,
): Promise<Finding> {
  const engine = new DetectionEngine(catalog, { state: new InMemoryStateStore(), now: () => DETECTED_AT });
  const record = loadRuleFixture(ruleId, 'positive', fixture);
  const { findings } = await engine.analyze(change ? change(record) : record);
  const finding = findings.find((f) => f.ruleId === ruleId);
  if (finding === undefined) throw new Error(`the engine raised no ${ruleId} finding for ${fixture}`);
  return finding;
}

/** Severity medium, high and critical findings from real fixtures. */
export const mediumFinding = () =>
  engineFinding('signin.console-login-without-mfa', 'iam-user-password-only');
export const highFinding = () =>
  engineFinding('iam.access-key-created-for-another-user', 'iam-user-creates-key-for-another-user');
export const criticalFinding = () =>
  engineFinding('cloudtrail.logging-stopped', 'iam-user-stops-trail-by-name');

/** Another finding of the same rule and principal: a new id, event and event time, as the engine would raise. */
export function repeatOf(base: Finding, n: number, eventTime: string): Finding {
  const eventId = `${base.eventIds[0] ?? 'event'}-${n}`;
  return {
    ...base,
    id: `${base.id.slice(0, 24)}r${String(n).padStart(7, '0')}`,
    eventIds: [eventId],
    eventTime,
    summary: `${base.summary} (repeat ${n})`,
    evidence: base.evidence.map((e) => ({ ...e, eventID: eventId, eventTime })),
  };
}

/** A remediation outcome of `finding` whose steps ended as `statuses`. */
export function outcomeOf(
  finding: Finding,
  statuses: StepOutcome['status'][] = ['succeeded'],
): RemediationOutcome {
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
    steps: statuses.map((status, index) => ({
      index,
      action: 'cloudtrail.start-logging',
      description: 'Start logging on CloudTrail trail org-audit-trail in eu-west-1.',
      status,
      ...(status === 'succeeded'
        ? { undoCommand: 'aws cloudtrail stop-logging --name org-audit-trail --region eu-west-1' }
        : { reason: `step ended ${status}` }),
    })),
    decidedAt: '2025-03-11T08:17:05.000Z',
  };
}

/** The findings-bus event as EventBridge delivers it to the alerter queue. */
export function busEvent(detailType: string, detail: unknown): string {
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

export const findingBody = (finding: Finding) => busEvent(DETAIL_TYPE.finding, finding);
export const outcomeBody = (outcome: RemediationOutcome) => busEvent(DETAIL_TYPE.remediationOutcome, outcome);

/** Records every Publish the client sends (the email variant never reaches SQS, so tests read it here). */
export function capturePublishes(sns: SNSClient): PublishCommandInput[] {
  const published: PublishCommandInput[] = [];
  sns.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'PublishCommand') published.push(args.input as PublishCommandInput);
      return next(args);
    },
    { step: 'initialize', name: uniqueName('capturePublishes') },
  );
  return published;
}

/** The email variant of a captured publish. */
export function emailOf(input: PublishCommandInput | undefined): string {
  return (JSON.parse(input?.Message ?? '{}') as { email?: string }).email ?? '';
}

/** The machine document of a captured publish. */
export function machineOf(input: PublishCommandInput | undefined): Record<string, unknown> {
  return JSON.parse((JSON.parse(input?.Message ?? '{}') as { default?: string }).default ?? '{}');
}

/** Lets SNS, and only this topic, send to the queue (moto does not enforce it; the real service does). */
export async function allowTopic(sqs: SQSClient, queue: QueueRef, topicArn: string): Promise<void> {
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

/** A fresh topic with a fresh queue subscribed with raw delivery (the body is the `default` variant). */
export async function topicWithQueue(
  sns: SNSClient,
  sqs: SQSClient,
  name: string,
  filterPolicy?: unknown,
): Promise<{ topicArn: string; queue: QueueRef }> {
  const topic = await sns.send(new CreateTopicCommand({ Name: uniqueName(name) }));
  const topicArn = topic.TopicArn ?? '';
  const queue = await createQueue(sqs, uniqueName(`${name}-q`));
  await allowTopic(sqs, queue, topicArn);
  await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: queue.arn,
      Attributes: {
        RawMessageDelivery: 'true',
        ...(filterPolicy === undefined ? {} : { FilterPolicy: JSON.stringify(filterPolicy) }),
      },
    }),
  );
  return { topicArn, queue };
}

/** Machine documents of raw-delivered messages, as `type#id`. */
export function keysOf(messages: readonly Message[]): string[] {
  return messages.map((m) => {
    const doc = JSON.parse(m.Body ?? '{}') as Record<string, { id?: string } | string>;
    const type = String(doc.type);
    const inner =
      doc[type === 'remediation-outcome' ? 'outcome' : type === 'daily-summary' ? 'summary' : type];
    return `${type}#${typeof inner === 'object' ? inner.id : '?'}`;
  });
}

/** `UPDATE_GOLDEN=1 npx vitest run test/alerter` rewrites the golden files instead of comparing. */
export function matchGolden(name: string, actual: string): void {
  const file = fileURLToPath(new URL(`./golden/${name}.txt`, import.meta.url));
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
}
