import type { MessageAttributeValue, PublishCommandInput, SNSClient } from '@aws-sdk/client-sns';
import { PublishCommand } from '@aws-sdk/client-sns';
import { SEVERITIES, type Severity } from '../engine/types';
import { truncate } from '../shared/text';
import { renderText } from './render';
import type { PostureReport } from './report';

/** SNS rejects a publish over 256 KiB; keep a margin. */
const MAX_MESSAGE_BYTES = 240 * 1024;
const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/**
 * The daily posture email: one message on the alert topic, next to the findings the run raised. People on `email`
 * get the text summary (pass/fail per check, control and failing user); machine subscribers get a JSON digest with
 * the location of the full report. The `action` attribute is `posture-report`, so subscriptions can filter it.
 */
export function buildPostureMessage(
  topicArn: string,
  report: PostureReport,
  location: string | undefined,
): PublishCommandInput {
  const failing = report.checks.filter((c) => c.status === 'fail');
  const worst = failing.reduce<Severity | undefined>(
    (max, c) =>
      max === undefined || SEVERITIES.indexOf(c.severity) > SEVERITIES.indexOf(max) ? c.severity : max,
    undefined,
  );
  const subject = truncate(
    `TrailGuard posture ${report.account}: ${failing.length} of ${report.summary.checks} checks failing`,
    100,
  );
  const machine = JSON.stringify({
    type: 'posture-report',
    version: report.schemaVersion,
    account: report.account,
    evaluatedAt: report.evaluatedAt,
    location,
    summary: report.summary,
    checks: report.checks.map((c) => ({
      id: c.id,
      status: c.status,
      mode: c.mode,
      violations: c.violations.length,
    })),
    controls: report.controls.map((c) => ({ framework: c.framework, id: c.id, status: c.status })),
  });
  let text = '';
  for (const max of [50, 10, 3, 0]) {
    text = renderText(report, { maxViolationsPerCheck: max, location });
    if (bytes(JSON.stringify({ default: machine, email: text })) <= MAX_MESSAGE_BYTES) break;
  }
  if (bytes(JSON.stringify({ default: machine, email: text })) > MAX_MESSAGE_BYTES) {
    text = `${truncate(text, 100_000)}\n\n[message truncated to fit the SNS size limit; see ${location ?? 'the report bucket'}]\n`;
  }
  const attributes: Record<string, MessageAttributeValue> = {
    action: { DataType: 'String', StringValue: 'posture-report' },
    severity: { DataType: 'String', StringValue: worst ?? 'info' },
  };
  if (/^\d{12}$/.test(report.account))
    attributes.account = { DataType: 'String', StringValue: report.account };
  return {
    TopicArn: topicArn,
    Subject: subject,
    MessageStructure: 'json',
    Message: JSON.stringify({ default: machine, email: text }),
    MessageAttributes: attributes,
  };
}

export async function notifyPosture(
  sns: SNSClient,
  topicArn: string,
  report: PostureReport,
  location: string | undefined,
): Promise<void> {
  await sns.send(new PublishCommand(buildPostureMessage(topicArn, report, location)));
}
