import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  clean,
  fromSource,
  isAwsServiceActor,
  noRemediation,
  principalKey,
  quoted,
  requestString,
} from '../helpers';

export const rule: Rule = {
  id: 'ec2.user-data-download-burst',
  title: 'Many instance user-data downloads by one principal',
  description:
    'One principal read the user data of EC2 instances (`DescribeInstanceAttribute` with attribute `userData`) ' +
    'many times in a short window, successfully or not. User data scripts often hold secrets (database ' +
    'passwords, API tokens, registration keys); reading them across the fleet is a known discovery and ' +
    'credential-access step. Calls made through AWS services (`invokedBy`) are excluded. Counted per principal ' +
    '(session ARN for roles). A read-only call: EventBridge delivers it only with ' +
    '`ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS` on the bus, or through the poller.',
  severity: 'medium',
  attack: ['T1580', 'T1552'],
  match: {
    eventSource: ['ec2.amazonaws.com'],
    eventName: ['DescribeInstanceAttribute'],
    requestParameters: { attribute: ['userData'] },
  },
  predicate: (event) => !isAwsServiceActor(event),
  threshold: { groupByLabel: 'principal ARN', groupBy: principalKey, count: 10, windowSeconds: 600 },
  summarize: (event: CloudTrailRecord) => {
    const refused =
      typeof event.errorCode === 'string' ? ` (the latest refused: ${clean(event.errorCode, 64)})` : '';
    return (
      `${actorLabel(event)} downloaded the user data of many EC2 instances, the latest ` +
      `${quoted(requestString(event, 'instanceId'))}${refused}${fromSource(event)}.`
    );
  },
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'Someone is reading instance bootstrap scripts in bulk. List the instances whose user data the principal ' +
    'read successfully and check those scripts for secrets; rotate any you find and move them to Secrets ' +
    'Manager or Parameter Store. Ask whether the principal is a known inventory or security-scanning tool. ' +
    'Mostly denied calls mean credentials are being probed: treat them as compromised. Quarantine the principal ' +
    'if the activity was not planned. TrailGuard has no automatic remediation for this rule.',
  falsePositives: [
    'Cloud security posture scanners and inventory tools that read every instance’s user data.',
    'Engineers debugging bootstrap scripts across an Auto Scaling group.',
  ],
  stratus: ['aws.discovery.ec2-download-user-data'],
  references: { panther: ['AWS.EC2.DownloadInstanceUserData'], sigma: [] },
};
