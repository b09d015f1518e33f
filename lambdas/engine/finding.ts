import { createHash } from 'node:crypto';
import { truncate } from '../shared/text';
import { principalOf } from './principal';
import {
  type CloudTrailRecord,
  type EvidenceEvent,
  FINDING_SCHEMA_VERSION,
  type Finding,
  type RemediationStep,
  type Rule,
  type RuleMode,
} from './types';

/** Cap for any single CloudTrail string carried into a finding (they are attacker-controlled). */
export const MAX_FIELD_LENGTH = 512;
/** Cap for the serialised `requestParameters` carried as evidence. */
export const MAX_REQUEST_PARAMETERS_LENGTH = 2048;

export { truncate };

function field(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? truncate(value, MAX_FIELD_LENGTH) : undefined;
}

/** Deterministic id: the same inputs always give the same finding id (the idempotency key downstream). */
export function findingId(...parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

/** The key fields of an event, capped; never the raw event. */
export function toEvidence(event: CloudTrailRecord): EvidenceEvent {
  let requestParameters: string | undefined;
  if (event.requestParameters !== undefined && event.requestParameters !== null) {
    try {
      requestParameters = truncate(JSON.stringify(event.requestParameters), MAX_REQUEST_PARAMETERS_LENGTH);
    } catch {
      requestParameters = '(not serialisable)';
    }
  }
  return {
    eventID: truncate(event.eventID, MAX_FIELD_LENGTH),
    eventTime: truncate(event.eventTime, 64),
    eventSource: truncate(event.eventSource, MAX_FIELD_LENGTH),
    eventName: truncate(event.eventName, MAX_FIELD_LENGTH),
    awsRegion: field(event.awsRegion),
    sourceIPAddress: field(event.sourceIPAddress),
    userAgent: field(event.userAgent),
    errorCode: field(event.errorCode),
    requestParameters,
  };
}

export interface FindingInput {
  readonly rule: Rule;
  readonly event: CloudTrailRecord;
  readonly id: string;
  readonly mode: RuleMode;
  readonly summary: string;
  readonly remediation: readonly RemediationStep[];
  readonly detectedAt: Date;
  readonly threshold?: Finding['threshold'];
  readonly sequence?: Finding['sequence'];
}

export function buildFinding(input: FindingInput): Finding {
  const { rule, event } = input;
  const principal = principalOf(event);
  return {
    schemaVersion: FINDING_SCHEMA_VERSION,
    id: input.id,
    ruleId: rule.id,
    title: rule.title,
    severity: rule.severity,
    attack: [...rule.attack],
    summary: truncate(input.summary, 1024),
    eventIds: [truncate(event.eventID, MAX_FIELD_LENGTH)],
    eventTime: new Date(Date.parse(event.eventTime)).toISOString(),
    principal: {
      type: truncate(principal.type, 64),
      arn: field(principal.arn),
      identityArn: field(principal.identityArn),
      identityType: principal.identityType,
      identityName: field(principal.identityName),
      accessKeyId: field(principal.accessKeyId),
      accountId: field(principal.accountId),
    },
    sourceIp: field(event.sourceIPAddress),
    userAgent: field(event.userAgent),
    account: field(event.recipientAccountId) ?? field(principal.accountId),
    region: field(event.awsRegion),
    evidence: [toEvidence(event)],
    threshold: input.threshold,
    sequence: input.sequence,
    mode: input.mode,
    remediation: input.remediation,
    runbook: rule.runbook,
    detectedAt: input.detectedAt.toISOString(),
  };
}
