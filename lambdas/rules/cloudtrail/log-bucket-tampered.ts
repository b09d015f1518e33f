import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  asList,
  field,
  fromSource,
  isAwsServiceActor,
  isRecord,
  quarantineActor,
  quoted,
  requestString,
} from '../helpers';

/**
 * Which buckets hold CloudTrail logs cannot be known from one S3 event (that needs `DescribeTrails`, which the
 * stateless engine does not call). The heuristic: the bucket name says so. `cloudtrail` and `trail` cover the
 * usual names (`*-cloudtrail-logs-*`, `org-trail-*`, the console's `aws-cloudtrail-logs-<account>-<random>`), and
 * `controltower-logs` covers the Control Tower log-archive bucket.
 */
const TRAIL_BUCKET_NAME = /cloudtrail|trail|controltower-logs/i;

/** Expiring log objects sooner than this many days destroys evidence faster than most teams look at it. */
export const SHORT_EXPIRY_DAYS = 7;

export function looksLikeTrailBucket(name: string | undefined): name is string {
  return name !== undefined && name.length <= 255 && TRAIL_BUCKET_NAME.test(name);
}

function days(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d{1,6}$/.test(value.trim()) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** The lifecycle rules of a `PutBucketLifecycle` request (`LifecycleConfiguration.Rule`, one object or a list). */
function lifecycleRules(event: CloudTrailRecord): Record<string, unknown>[] {
  const config = field(event, 'requestParameters', 'LifecycleConfiguration');
  return asList(field(config, 'Rule')).filter(isRecord);
}

/**
 * The shortest expiry, in days, of an enabled lifecycle rule that deletes current or noncurrent object versions
 * sooner than `SHORT_EXPIRY_DAYS`; `undefined` when no enabled rule does. Disabled rules never delete anything.
 */
export function shortestExpiryDays(event: CloudTrailRecord): number | undefined {
  let shortest: number | undefined;
  for (const lifecycle of lifecycleRules(event)) {
    if (field(lifecycle, 'Status') !== 'Enabled') continue;
    for (const value of [
      field(lifecycle, 'Expiration', 'Days'),
      field(lifecycle, 'NoncurrentVersionExpiration', 'NoncurrentDays'),
    ]) {
      const n = days(value);
      if (n !== undefined && n < SHORT_EXPIRY_DAYS && (shortest === undefined || n < shortest)) shortest = n;
    }
  }
  return shortest;
}

const LIFECYCLE_EVENTS = ['PutBucketLifecycle', 'PutBucketLifecycleConfiguration'];

export function tampersWithTrailBucket(event: CloudTrailRecord): boolean {
  if (isAwsServiceActor(event)) return false;
  if (!looksLikeTrailBucket(requestString(event, 'bucketName'))) return false;
  if (LIFECYCLE_EVENTS.includes(event.eventName)) return shortestExpiryDays(event) !== undefined;
  return true; // DeleteBucketPolicy, DeleteBucket
}

function whatHappened(event: CloudTrailRecord): string {
  if (LIFECYCLE_EVENTS.includes(event.eventName)) {
    const n = shortestExpiryDays(event);
    return `set a lifecycle rule deleting the logs in bucket ${quoted(requestString(event, 'bucketName'))} after ${n} day${n === 1 ? '' : 's'}`;
  }
  const bucket = quoted(requestString(event, 'bucketName'));
  return event.eventName === 'DeleteBucket'
    ? `deleted bucket ${bucket}`
    : `deleted the bucket policy of ${bucket}, which stops CloudTrail delivering to it`;
}

export const rule: Rule = {
  id: 'cloudtrail.log-bucket-tampered',
  title: 'CloudTrail log bucket emptied or cut off',
  description:
    'A successful change to a bucket that, by its name, holds CloudTrail logs: a lifecycle rule (`PutBucketLifecycle`) ' +
    `that deletes current or noncurrent log objects within fewer than ${SHORT_EXPIRY_DAYS} days, a ` +
    '`DeleteBucketPolicy` (CloudTrail needs the policy to write, so delivery stops), or `DeleteBucket`. The trail ' +
    'bucket cannot be known from one event without calling `DescribeTrails`, so the rule uses a documented ' +
    'heuristic: the bucket name contains `cloudtrail`, `trail` or `controltower-logs`. Log buckets named otherwise ' +
    'are missed; name them accordingly or extend the pattern. Lifecycle rules with a fixed `Date` are not judged.',
  severity: 'high',
  attack: ['T1562.008', 'T1070'],
  match: {
    eventSource: ['s3.amazonaws.com'],
    eventName: [
      'PutBucketLifecycle',
      'PutBucketLifecycleConfiguration',
      'DeleteBucketPolicy',
      'DeleteBucket',
    ],
    errorCode: [{ exists: false }],
  },
  predicate: tampersWithTrailBucket,
  summarize: (event) => `${actorLabel(event)} ${whatHappened(event)}${fromSource(event)}.`,
  remediation: (event) => quarantineActor(event, 'it tampered with a CloudTrail log bucket'),
  defaultMode: 'alert',
  runbook:
    'Attackers who cannot stop a trail (or do not want the StopLogging alert) destroy its output instead: a one-day ' +
    'expiry rule quietly deletes every log file, and removing the bucket policy makes CloudTrail fail to deliver. ' +
    'Confirm the bucket really receives CloudTrail logs (`aws cloudtrail describe-trails` lists each trail’s ' +
    '`S3BucketName`) and ask its owner whether the change was planned. Investigate: the full lifecycle ' +
    'configuration now in place (`get-bucket-lifecycle-configuration`), whether versioning and Object Lock protect ' +
    'the objects, `GetTrailStatus` (`LatestDeliveryError` shows delivery failing), and what the same principal did ' +
    'around the same time. Respond: restore the lifecycle rule or bucket policy from infrastructure-as-code, check ' +
    'the CloudTrail event history (90 days of management events) for the period whose files may be gone, and if ' +
    'unplanned treat the principal as compromised (TrailGuard quarantines it in `enforce` mode). Prevent: keep ' +
    'trail logs in a separate log-archive account with Object Lock and an SCP denying these calls on it.',
  falsePositives: [
    'Buckets whose name merely contains "trail" (trailers, trail maps) getting a short lifecycle rule or deleted.',
    'Decommissioning a trail together with its bucket, or sandbox accounts keeping logs only a few days on purpose.',
  ],
  stratus: [],
  references: { panther: ['AWS.CloudTrail.ShortLifecycle'], sigma: [] },
};
