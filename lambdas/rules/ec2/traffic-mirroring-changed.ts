import type { CloudTrailRecord, Rule } from '../../engine/types';
import { actorLabel, clean, fromSource, inRegion, isAwsServiceActor, quarantineActor } from '../helpers';

const MIRROR_EVENTS = [
  'CreateTrafficMirrorSession',
  'CreateTrafficMirrorTarget',
  'CreateTrafficMirrorFilter',
  'CreateTrafficMirrorFilterRule',
  'ModifyTrafficMirrorSession',
  'ModifyTrafficMirrorFilterRule',
  'ModifyTrafficMirrorFilterNetworkServices',
  'DeleteTrafficMirrorSession',
  'DeleteTrafficMirrorTarget',
  'DeleteTrafficMirrorFilter',
  'DeleteTrafficMirrorFilterRule',
];

/** "created a VPC traffic mirror session", or "tried to create ..." when the call failed. */
function whatHappened(event: CloudTrailRecord): string {
  const action = /^(Create|Modify|Delete)/.exec(event.eventName)?.[1] ?? 'Change';
  const object = event.eventName
    .replace(/^(Create|Modify|Delete)TrafficMirror/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  const what = `a VPC traffic mirror ${clean(object, 64) ?? 'resource'}`;
  const error = clean(event.errorCode, 64);
  const past: Record<string, string> = { Create: 'created', Modify: 'modified', Delete: 'deleted' };
  if (error === undefined) return `${past[action] ?? 'changed'} ${what}`;
  return `tried to ${action.toLowerCase()} ${what} (refused: ${error})`;
}

export const rule: Rule = {
  id: 'ec2.traffic-mirroring-changed',
  title: 'VPC traffic mirroring set up, changed or removed',
  description:
    'A create, modify or delete call on VPC traffic mirroring (sessions, targets, filters, filter rules), ' +
    'successful or not. Traffic mirroring copies every packet of a network interface to another interface or ' +
    'load balancer: an attacker uses it to capture traffic, including credentials in clear-text protocols, and ' +
    'deletes the session and target afterwards. Few accounts use it, so attempts (which fail when the instance ' +
    'type is not supported) and removals count too. Describe calls are not counted.',
  severity: 'medium',
  attack: ['T1040'],
  match: {
    eventSource: ['ec2.amazonaws.com'],
    eventName: MIRROR_EVENTS,
  },
  predicate: (event) => !isAwsServiceActor(event),
  summarize: (event) => `${actorLabel(event)} ${whatHappened(event)}${inRegion(event)}${fromSource(event)}.`,
  remediation: (event) => quarantineActor(event, 'it set up VPC traffic mirroring'),
  defaultMode: 'alert',
  runbook:
    'Network traffic may be copied somewhere. List mirror sessions (`describe-traffic-mirror-sessions`): which ' +
    'source interfaces (and so which instances) are mirrored, to which target (an interface or NLB, possibly in ' +
    'another account through a shared target), with which filter. Ask the network or security team whether ' +
    'they run packet capture. If not: delete the sessions, targets and filters, look at the target instance ' +
    '(what it stored, where it sent it), and rotate credentials that cross the mirrored interfaces unencrypted. ' +
    'Treat the principal as compromised; TrailGuard quarantines it in `enforce` mode.',
  falsePositives: [
    'Security teams feeding an IDS or network-monitoring appliance through traffic mirroring.',
    'Troubleshooting sessions by network engineers.',
  ],
  stratus: [],
  references: { panther: ['AWS.EC2.Traffic.Mirroring'], sigma: [] },
};
