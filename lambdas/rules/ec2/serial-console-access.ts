import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  boolOf,
  field,
  fromSource,
  inAccount,
  inRegion,
  isAwsServiceActor,
  noRemediation,
  quoted,
  requestString,
} from '../helpers';

export function opensSerialConsole(event: CloudTrailRecord): boolean {
  if (isAwsServiceActor(event)) return false;
  return boolOf(field(event, 'responseElements', 'success')) !== false;
}

export const rule: Rule = {
  id: 'ec2.serial-console-access',
  title: 'EC2 serial console access enabled or used',
  description:
    'A successful `EnableSerialConsoleAccess` (account-wide, per region) or `SendSerialConsoleSSHPublicKey` (a key ' +
    'pushed to connect to one instance’s serial console). The serial console reaches the instance like a ' +
    'physical terminal: it works without network access, security groups or SSH daemon, and before the OS has ' +
    'booted, which makes it a quiet way into instances that are otherwise locked down. Few teams use it outside ' +
    'of troubleshooting.',
  severity: 'medium',
  attack: ['T1021'],
  match: {
    eventSource: ['ec2.amazonaws.com', 'ec2-instance-connect.amazonaws.com'],
    eventName: ['EnableSerialConsoleAccess', 'SendSerialConsoleSSHPublicKey'],
    errorCode: [{ exists: false }],
  },
  predicate: opensSerialConsole,
  summarize: (event) =>
    event.eventName === 'EnableSerialConsoleAccess'
      ? `${actorLabel(event)} enabled EC2 serial console access${inAccount(event)}${inRegion(event)}${fromSource(event)}.`
      : `${actorLabel(event)} pushed an SSH key to the serial console of EC2 instance ` +
        `${quoted(requestString(event, 'instanceId'))}${fromSource(event)}.`,
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'The serial console bypasses the network controls around an instance. Ask who needed it and for which ' +
    'instance (it is normally used to rescue an instance that no longer boots or lost network access). If ' +
    'nobody did: disable it again (`aws ec2 disable-serial-console-access`), review the principal’s other ' +
    '`SendSerialConsoleSSHPublicKey` calls and what happened on those instances, and quarantine the principal. ' +
    'Prevent with an SCP denying `ec2:EnableSerialConsoleAccess` and ' +
    '`ec2-instance-connect:SendSerialConsoleSSHPublicKey` outside a break-glass role. TrailGuard has no automatic ' +
    'remediation for this rule.',
  falsePositives: [
    'Operators rescuing an instance that lost network access or fails to boot.',
    'Accounts that keep serial console access enabled on purpose for appliance troubleshooting.',
  ],
  stratus: ['aws.lateral-movement.ec2-serial-console-send-ssh-public-key'],
  references: { panther: [], sigma: [] },
};
