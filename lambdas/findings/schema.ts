import { z } from 'zod';
import { ACTION_IDS, RULE_MODES, SEVERITIES } from '../engine/types';
import { STEP_STATUSES } from './outcome';

/**
 * Run-time checks of what arrives on the findings bus. Anyone allowed to PutEvents on the bus can send events,
 * so consumers validate the fields they rely on and reject the rest with a message naming the field.
 *
 * Every documented field is typed here, optional ones included, and objects stay open (unknown fields pass
 * through), exactly as the published JSON Schema (`schemas/alert-message.v1.schema.json`) describes them: a test
 * checks that whatever these schemas accept, the JSON Schema accepts too.
 */
const text = z.string();
const principal = z.looseObject({
  type: text,
  arn: text.optional(),
  identityArn: text.optional(),
  identityType: z.enum(['user', 'role', 'root', 'other']).optional(),
  identityName: text.optional(),
  accessKeyId: text.optional(),
  accountId: text.optional(),
});
const step = z.looseObject({
  action: z.enum(ACTION_IDS),
  params: z.record(z.string(), z.string()),
  description: text,
});
const evidence = z.looseObject({
  eventID: text,
  eventTime: text,
  eventSource: text,
  eventName: text,
  awsRegion: text.optional(),
  sourceIPAddress: text.optional(),
  userAgent: text.optional(),
  errorCode: text.optional(),
  requestParameters: text.optional(),
});
const count = z.number().int().min(0);

export const findingSchema = z.looseObject({
  schemaVersion: z.literal('1.0'),
  id: z.string().regex(/^[A-Za-z0-9:_-]{1,128}$/),
  ruleId: z.string().min(1).max(128),
  title: z.string().min(1).max(256),
  severity: z.enum(SEVERITIES),
  attack: z.array(text),
  summary: text,
  eventIds: z.array(text),
  eventTime: text,
  principal,
  sourceIp: text.optional(),
  userAgent: text.optional(),
  account: text.optional(),
  region: text.optional(),
  evidence: z.array(evidence),
  threshold: z
    .looseObject({
      groupByLabel: text,
      groupKey: text,
      count,
      threshold: count,
      windowSeconds: count,
    })
    .optional(),
  sequence: z.looseObject({ firstLabel: text, key: text, withinSeconds: count }).optional(),
  mode: z.enum(RULE_MODES),
  remediation: z.array(step),
  runbook: text,
  detectedAt: text,
});

export const outcomeSchema = z.looseObject({
  schemaVersion: z.literal('1.0'),
  id: z.string().min(1).max(200),
  findingId: z.string().min(1).max(128),
  ruleId: z.string().min(1).max(128),
  title: text,
  severity: z.enum(SEVERITIES),
  summary: text,
  principal,
  account: text.optional(),
  region: text.optional(),
  eventTime: text,
  mode: z.enum(RULE_MODES),
  steps: z.array(
    z.looseObject({
      index: z.number().int().min(0),
      action: z.enum(ACTION_IDS),
      description: text,
      status: z.enum(STEP_STATUSES),
      reason: text.optional(),
      undoCommand: text.optional(),
    }),
  ),
  decidedAt: text,
});

/** Formats zod issues as `field.path: message; ...`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}
