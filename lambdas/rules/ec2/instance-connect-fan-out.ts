import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  boolOf,
  field,
  fromSource,
  isAwsServiceActor,
  noRemediation,
  principalKey,
  quoted,
  requestString,
} from '../helpers';

/** A key actually pushed: no error, and the response does not say `success: false`. */
export function pushedKey(event: CloudTrailRecord): boolean {
  return !isAwsServiceActor(event) && boolOf(field(event, 'responseElements', 'success')) !== false;
}

export const rule: Rule = {
  id: 'ec2.instance-connect-fan-out',
  title: 'SSH keys pushed to several instances through EC2 Instance Connect',
  description:
    'One principal pushed SSH public keys with EC2 Instance Connect (`SendSSHPublicKey`) several times in a ' +
    'short window. Each push lets the key holder log in over SSH for 60 seconds as the named OS user, without any ' +
    'key on the instance; a burst of them is how an attacker with IAM access moves laterally into instances. ' +
    'Counted per principal (the session ARN for roles), successful pushes only.',
  severity: 'medium',
  attack: ['T1021.004', 'T1098.004'],
  match: {
    eventSource: ['ec2-instance-connect.amazonaws.com'],
    eventName: ['SendSSHPublicKey'],
    errorCode: [{ exists: false }],
  },
  predicate: pushedKey,
  threshold: { groupByLabel: 'principal ARN', groupBy: principalKey, count: 3, windowSeconds: 600 },
  summarize: (event) =>
    `${actorLabel(event)} pushed SSH keys through EC2 Instance Connect repeatedly, the latest to instance ` +
    `${quoted(requestString(event, 'instanceId'))} as OS user ${quoted(requestString(event, 'instanceOSUser'))}` +
    `${fromSource(event)}.`,
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'Someone is opening SSH access to instances. List the principal’s `SendSSHPublicKey` calls (instances, OS ' +
    'users, source addresses) and compare with who normally administers those instances; a principal that never ' +
    'did it before, many instances, or `root` as OS user are the signs. On the instances, check SSH logs for ' +
    'logins in the 60 seconds after each push and what ran. Respond: remove ' +
    '`ec2-instance-connect:SendSSHPublicKey` from the principal, quarantine it if it was not planned, and treat ' +
    'the instances as compromised if logins happened. TrailGuard has no automatic remediation for this rule.',
  falsePositives: [
    'Administrators connecting to a few instances in a row from the console during an incident or maintenance.',
    'Automation that uses EC2 Instance Connect to run commands on fleets (Ansible over EIC).',
  ],
  stratus: ['aws.lateral-movement.ec2-instance-connect'],
  references: { panther: ['AWS.EC2.MultiInstanceConnect'], sigma: [] },
};
