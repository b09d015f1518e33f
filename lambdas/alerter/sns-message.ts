import type { MessageAttributeValue, PublishCommandInput } from '@aws-sdk/client-sns';
import { cleanText, truncate } from '../shared/text';
import { ALERT_MESSAGE_VERSION, type AlertDocument } from './documents';
import type { RenderedEmail } from './render';

/** SNS rejects a publish over 256 KiB (message and attributes together); keep a margin under 262,144 bytes. */
export const MAX_MESSAGE_BYTES = 250 * 1024;

export type AlertPayload = AlertDocument;

/** Message attributes subscriptions filter on. Absent ones are left out (a filter on them does not match). */
export interface AlertAttributes {
  readonly severity?: string;
  readonly ruleId?: string;
  readonly account?: string;
  /** `detected:<mode>`, `remediation:<verdict>`, `digest`, `daily-summary`. */
  readonly action: string;
  /** Set on messages published to the escalation topic: why it escalated. */
  readonly escalation?: string;
}

/**
 * One publish with a variant per audience (`MessageStructure: json`): people on `email` get the text, and every
 * machine protocol (sqs, lambda, http/s, firehose, email-json) gets `default`, the JSON document. Attributes let
 * subscriptions filter by severity, rule, account and action without parsing the body.
 *
 * The size is measured on the final serialised message, escaping included (a control character in the evidence
 * costs up to 12 bytes once the document is embedded in the variants). Evidence is shrunk first, then the text.
 */
export function buildPublishInput(
  topicArn: string,
  payload: AlertPayload,
  email: RenderedEmail,
  attributes: AlertAttributes,
): PublishCommandInput {
  const messageAttributes: Record<string, MessageAttributeValue> = {};
  if (attributes.severity !== undefined)
    messageAttributes.severity = { DataType: 'String', StringValue: attributeValue(attributes.severity) };
  if (attributes.ruleId !== undefined)
    messageAttributes.ruleId = { DataType: 'String', StringValue: attributeValue(attributes.ruleId) };
  messageAttributes.action = { DataType: 'String', StringValue: attributeValue(attributes.action) };
  if (attributes.escalation !== undefined)
    messageAttributes.escalation = { DataType: 'String', StringValue: attributeValue(attributes.escalation) };
  // CloudTrail fills the account; anything but twelve digits is not an account and is left out.
  if (attributes.account && /^\d{12}$/.test(attributes.account)) {
    messageAttributes.account = { DataType: 'String', StringValue: attributes.account };
  }
  const overhead = bytes(email.subject) + bytes(JSON.stringify(messageAttributes)) + 512;
  const size = (machine: string, text: string) =>
    bytes(JSON.stringify({ default: machine, email: text })) + overhead;

  let machine = JSON.stringify({ version: ALERT_MESSAGE_VERSION, ...payload });
  let text = email.text;
  if (size(machine, text) > MAX_MESSAGE_BYTES)
    machine = JSON.stringify({ version: ALERT_MESSAGE_VERSION, truncated: true, ...shrink(payload) });
  for (let attempt = 0; attempt < 8 && size(machine, text) > MAX_MESSAGE_BYTES; attempt++) {
    const textCost = bytes(JSON.stringify(text));
    const room = MAX_MESSAGE_BYTES - (size(machine, text) - textCost) - 256;
    const keep = Math.max(0, Math.floor((text.length * Math.max(0, room)) / textCost) - 64);
    text = `${truncate(text, keep)}\n\n[message truncated to fit the SNS size limit]\n`;
  }
  if (size(machine, text) > MAX_MESSAGE_BYTES) {
    throw new Error(
      `alert for ${attributes.ruleId ?? attributes.action} cannot be made to fit the SNS limit (${size(machine, text)} bytes)`,
    );
  }
  return {
    TopicArn: topicArn,
    Subject: email.subject,
    MessageStructure: 'json',
    Message: JSON.stringify({ default: machine, email: text }),
    MessageAttributes: messageAttributes,
  };
}

/** Attribute values must be valid, printable text; ours come from validated ids, this is the last guard. */
function attributeValue(value: string): string {
  return cleanText(value, 256) || 'unknown';
}

/** The essentials (rule, principal, summary, plan or steps) always fit; evidence and long text are cut. */
function shrink(payload: AlertPayload): AlertPayload {
  if (payload.type === 'digest') {
    const d = payload.digest;
    return {
      type: 'digest',
      digest: {
        ...d,
        subject: truncate(d.subject, 300),
        samples: d.samples.slice(0, 3).map((s) => ({ ...s, summary: truncate(s.summary, 200) })),
      },
    };
  }
  if (payload.type === 'daily-summary') {
    // Bounded by the catalog and the audit statuses; cut the long tails if a custom catalog is huge.
    const s = payload.summary;
    return {
      type: 'daily-summary',
      summary: {
        ...s,
        findings: s.findings.slice(0, 200),
        actions: s.actions.slice(0, 200),
        dryRun: s.dryRun.slice(0, 200),
      },
    };
  }
  if (payload.type === 'remediation-outcome') {
    const o = payload.outcome;
    return {
      type: 'remediation-outcome',
      outcome: {
        ...o,
        summary: truncate(o.summary, 1000),
        steps: o.steps.map((step) => ({
          ...step,
          reason: step.reason ? truncate(step.reason, 500) : undefined,
        })),
      },
    };
  }
  const f = payload.finding;
  return {
    type: 'finding',
    finding: {
      ...f,
      summary: truncate(f.summary, 1000),
      evidence: f.evidence.slice(0, 3).map((e) => ({
        ...e,
        requestParameters: undefined,
        userAgent: e.userAgent ? truncate(e.userAgent, 200) : undefined,
      })),
      runbook: truncate(f.runbook, 2000),
    },
  };
}

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
