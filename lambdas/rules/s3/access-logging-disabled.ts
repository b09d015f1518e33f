import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  field,
  fromSource,
  isAwsServiceActor,
  isRecord,
  noRemediation,
  quoted,
  requestString,
} from '../helpers';

/**
 * `PutBucketLogging` turns server access logging off when its `BucketLoggingStatus` has no `LoggingEnabled`. A
 * request whose status cannot be read is not judged.
 */
export function disablesAccessLogging(event: CloudTrailRecord): boolean {
  if (isAwsServiceActor(event)) return false;
  const status = field(event, 'requestParameters', 'BucketLoggingStatus');
  return isRecord(status) && field(status, 'LoggingEnabled') === undefined;
}

export const rule: Rule = {
  id: 's3.access-logging-disabled',
  title: 'S3 server access logging turned off',
  description:
    'A successful `PutBucketLogging` whose `BucketLoggingStatus` is empty, which turns server access logging off ' +
    'for the bucket. Access logs record every request to the bucket’s objects (who read what, from where) ' +
    'independently of CloudTrail data events; turning them off before reading or deleting data removes that ' +
    'record.',
  severity: 'medium',
  attack: ['T1562.008'],
  match: {
    eventSource: ['s3.amazonaws.com'],
    eventName: ['PutBucketLogging'],
    errorCode: [{ exists: false }],
  },
  predicate: disablesAccessLogging,
  summarize: (event) =>
    `${actorLabel(event)} turned off server access logging for S3 bucket ${quoted(requestString(event, 'bucketName'))}` +
    `${fromSource(event)}.`,
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'Requests to this bucket are no longer logged by S3. Ask the owner whether it was planned (moving to ' +
    'CloudTrail data events, cost). If not: turn logging back on (`put-bucket-logging` with the previous target ' +
    'bucket and prefix, from infrastructure-as-code), check whether CloudTrail data events still cover the ' +
    'bucket, and review what the principal did next to it (reads, deletes, policy changes). Quarantine the ' +
    'principal if it was not planned. TrailGuard has no automatic remediation for this rule.',
  falsePositives: [
    'Replacing server access logs with CloudTrail S3 data events.',
    'Turning logging off on temporary or low-value buckets to save cost.',
  ],
  stratus: [],
  references: { panther: ['AWS.S3.DisableBucketLogging', 'AWS.S3.SecurityControlDisabling'], sigma: [] },
};
