import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  field,
  fromSource,
  inRegion,
  isAwsServiceActor,
  quarantineActor,
  quoted,
  requestString,
} from '../helpers';

/** The shortest retention CloudWatch Logs offers; setting it deletes everything older than a day. */
export const MAX_SUSPICIOUS_RETENTION_DAYS = 1;

function retentionDays(event: CloudTrailRecord): number | undefined {
  const raw = field(event, 'requestParameters', 'retentionInDays');
  const n = typeof raw === 'string' && /^\d{1,6}$/.test(raw.trim()) ? Number(raw) : raw;
  return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
}

export function tampersWithLogGroup(event: CloudTrailRecord): boolean {
  if (isAwsServiceActor(event)) return false;
  if (event.eventName === 'PutRetentionPolicy') {
    const n = retentionDays(event);
    return n !== undefined && n <= MAX_SUSPICIOUS_RETENTION_DAYS;
  }
  return true; // DeleteLogGroup, DeleteSubscriptionFilter
}

function whatHappened(event: CloudTrailRecord): string {
  const group = quoted(requestString(event, 'logGroupName') ?? requestString(event, 'logGroupIdentifier'));
  switch (event.eventName) {
    case 'DeleteLogGroup':
      return `deleted CloudWatch log group ${group} and every log in it`;
    case 'PutRetentionPolicy':
      return `set the retention of CloudWatch log group ${group} to ${retentionDays(event)} day, deleting older logs`;
    default:
      return `removed subscription filter ${quoted(requestString(event, 'filterName'))} from log group ${group}, so its logs are no longer forwarded`;
  }
}

export const rule: Rule = {
  id: 'logs.log-group-tampered',
  title: 'CloudWatch log group deleted, truncated or unsubscribed',
  description:
    'A successful `DeleteLogGroup`, a `PutRetentionPolicy` shortening retention to ' +
    `${MAX_SUSPICIOUS_RETENTION_DAYS} day (CloudWatch then deletes everything older), or a ` +
    '`DeleteSubscriptionFilter` (logs stop flowing to the SIEM, archive or Lambda that subscribed to them). ' +
    'CloudWatch log groups hold application, VPC flow, Lambda, CloudTrail and DNS logs, so destroying or ' +
    'disconnecting one erases evidence. Calls made by AWS services on a principal’s behalf (CloudFormation ' +
    'deleting a stack’s log groups: `invokedBy`) are not counted.',
  severity: 'medium',
  attack: ['T1070', 'T1562.008'],
  match: {
    eventSource: ['logs.amazonaws.com'],
    eventName: ['DeleteLogGroup', 'PutRetentionPolicy', 'DeleteSubscriptionFilter'],
    errorCode: [{ exists: false }],
  },
  predicate: tampersWithLogGroup,
  summarize: (event) => `${actorLabel(event)} ${whatHappened(event)}${inRegion(event)}${fromSource(event)}.`,
  remediation: (event) => quarantineActor(event, 'it destroyed or disconnected CloudWatch logs'),
  defaultMode: 'alert',
  runbook:
    'Logs in this group are gone, are about to go, or no longer reach their consumer. Identify what wrote to the ' +
    'group (its name usually says: `/aws/lambda/...`, a CloudTrail or flow log group, an application) and ' +
    'whether the change was part of a deployment or clean-up. If not: recreate the group or the subscription ' +
    'filter, restore its retention, check whether an export or subscription kept a copy elsewhere (S3, the SIEM), ' +
    'and review what the same principal did before, since the deleted logs may have recorded it. Treat the ' +
    'principal as compromised; TrailGuard quarantines it in `enforce` mode. Protect security log groups with an ' +
    'SCP denying `logs:DeleteLogGroup`, `logs:PutRetentionPolicy` and `logs:DeleteSubscriptionFilter` on them.',
  falsePositives: [
    'Developers deleting the log groups of functions or test stacks they removed by hand.',
    'Cost clean-ups shortening retention of debug log groups.',
  ],
  stratus: [],
  references: { panther: [], sigma: [] },
};
