import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  field,
  fromSource,
  isAwsServiceActor,
  quarantineActor,
  quoted,
  requestString,
} from '../helpers';

/** `ModifyInstanceAttribute` carries `userData` (CloudTrail redacts its value) only when it changes user data. */
export function changesUserData(event: CloudTrailRecord): boolean {
  if (isAwsServiceActor(event)) return false;
  const request = field(event, 'requestParameters');
  return field(request, 'userData') !== undefined || requestString(event, 'attribute') === 'userData';
}

export const rule: Rule = {
  id: 'ec2.user-data-modified',
  title: 'EC2 instance user data changed',
  description:
    'A successful `ModifyInstanceAttribute` that replaces an instance’s user data. User data scripts run as root ' +
    'when the instance boots (cloud-init can be told to run them on every boot), so changing them, then stopping ' +
    'and starting the instance, executes the attacker’s code with the instance role’s credentials. The instance ' +
    'must be stopped for the call to succeed, so it usually comes between `StopInstances` and `StartInstances`. ' +
    'CloudTrail redacts the new script, so every change counts.',
  severity: 'high',
  attack: ['T1059.009', 'T1098'],
  match: {
    eventSource: ['ec2.amazonaws.com'],
    eventName: ['ModifyInstanceAttribute'],
    errorCode: [{ exists: false }],
  },
  predicate: changesUserData,
  summarize: (event) =>
    `${actorLabel(event)} replaced the user data of EC2 instance ${quoted(requestString(event, 'instanceId'))}` +
    `${fromSource(event)}; it runs as root at the next start.`,
  remediation: (event) => quarantineActor(event, 'it changed the boot script of an EC2 instance'),
  defaultMode: 'alert',
  runbook:
    'Code the actor chose will run as root on the instance. Read the current user data ' +
    '(`aws ec2 describe-instance-attribute --attribute userData`, base64) and compare it with the version in ' +
    'infrastructure-as-code or the launch template; look for downloads, reverse shells, new SSH keys or ' +
    '`#cloud-config` with `runcmd` set to every boot. Check whether the instance has been started since and what ' +
    'its role did afterwards. Respond: stop the instance, restore the user data, and if it ran, treat the ' +
    'instance as compromised (isolate, snapshot for forensics, rotate what its role can reach); quarantine the ' +
    'principal if the change was not planned (TrailGuard does in `enforce` mode).',
  falsePositives: [
    'Operations teams updating bootstrap scripts of long-lived instances during maintenance.',
    'Tools that patch user data as part of blue/green or AMI update procedures.',
  ],
  stratus: ['aws.execution.ec2-user-data'],
  references: { panther: ['AWS.EC2.Startup.Script.Change'], sigma: ['AWS EC2 Startup Shell Script Change'] },
};
