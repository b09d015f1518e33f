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
  id: 'ec2.password-data-burst',
  title: 'Many Windows password retrievals by one principal',
  description:
    'One principal called `GetPasswordData` many times in a short window, successfully or not. The call returns ' +
    'the encrypted Administrator password of a Windows instance (decryptable with the launch key pair); one call ' +
    'for one instance is normal administration, a burst across instances is credential harvesting, and a burst ' +
    'of denied calls is stolen credentials being tried. Counted per principal (session ARN for roles). ' +
    '`GetPasswordData` is a read-only call: EventBridge delivers it only when the trail logs read events and the ' +
    'event bus receives them (`ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`), or through the poller.',
  severity: 'medium',
  attack: ['T1552'],
  match: {
    eventSource: ['ec2.amazonaws.com'],
    eventName: ['GetPasswordData'],
  },
  predicate: (event) => !isAwsServiceActor(event),
  threshold: { groupByLabel: 'principal ARN', groupBy: principalKey, count: 10, windowSeconds: 600 },
  summarize: (event: CloudTrailRecord) => {
    const refused =
      typeof event.errorCode === 'string' ? ` (the latest refused: ${clean(event.errorCode, 64)})` : '';
    return (
      `${actorLabel(event)} requested the Windows password data of many EC2 instances, the latest ` +
      `${quoted(requestString(event, 'instanceId'))}${refused}${fromSource(event)}.`
    );
  },
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'Someone is collecting Windows administrator passwords. List the principal’s `GetPasswordData` calls ' +
    '(instances, results, source addresses, user agent). Successful calls matter most: whoever also holds the ' +
    'instances’ key pair can now log in as Administrator, so rotate those passwords and check RDP logins on the ' +
    'instances. Mostly denied calls mean the credentials are being probed: treat them as compromised and rotate ' +
    'them. Quarantine the principal if the activity was not planned. TrailGuard has no automatic remediation for ' +
    'this rule.',
  falsePositives: [
    'Fleet-management or password-vaulting tools retrieving passwords of many Windows instances.',
    'An administrator retrieving passwords of a new batch of instances.',
  ],
  stratus: ['aws.credential-access.ec2-get-password-data'],
  references: { panther: ['AWS.EC2.ManyPasswordReadAttempts'], sigma: [] },
};
