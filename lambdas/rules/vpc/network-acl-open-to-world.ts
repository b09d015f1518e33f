import type { CloudTrailRecord, Rule } from '../../engine/types';
import { isWorldCidr } from '../ec2/security-group-open-to-world';
import {
  actorLabel,
  boolOf,
  clean,
  field,
  fromSource,
  isAwsServiceActor,
  noRemediation,
  quoted,
  requestString,
} from '../helpers';

/** The world range (`/0`) an allow-ingress network ACL entry opens, or `undefined`. */
export function worldIngressCidr(event: CloudTrailRecord): string | undefined {
  if (isAwsServiceActor(event)) return undefined;
  if (requestString(event, 'ruleAction')?.toLowerCase() !== 'allow') return undefined;
  // `egress` defaults to false (ingress) when omitted.
  if (boolOf(field(event, 'requestParameters', 'egress')) === true) return undefined;
  for (const key of ['cidrBlock', 'ipv6CidrBlock']) {
    const cidr = field(event, 'requestParameters', key);
    if (isWorldCidr(cidr)) return cidr.trim();
  }
  return undefined;
}

function ports(event: CloudTrailRecord): string {
  const protocol = clean(field(event, 'requestParameters', 'aclProtocol'), 8);
  if (protocol === undefined || protocol === '-1') return 'all traffic';
  const from = clean(field(event, 'requestParameters', 'portRange', 'from'), 8);
  const to = clean(field(event, 'requestParameters', 'portRange', 'to'), 8);
  if (from === undefined) return `protocol ${protocol}`;
  return from === to || to === undefined
    ? `protocol ${protocol} port ${from}`
    : `protocol ${protocol} ports ${from}-${to}`;
}

export const rule: Rule = {
  id: 'vpc.network-acl-open-to-world',
  title: 'Network ACL entry allows inbound traffic from anywhere',
  description:
    'A successful `CreateNetworkAclEntry` or `ReplaceNetworkAclEntry` adding an ingress rule (`egress` false or ' +
    'omitted) with action `allow` for a range with prefix length 0 (`0.0.0.0/0`, `::/0`). Network ACLs are the ' +
    'subnet-level firewall in front of security groups; opening one to the internet removes that layer for ' +
    'every instance in its subnets. Egress entries and deny entries are not counted. The default network ACL ' +
    'already allows all inbound traffic, so this matters where custom ACLs are used as a control.',
  severity: 'low',
  attack: ['T1562.007'],
  match: {
    eventSource: ['ec2.amazonaws.com'],
    eventName: ['CreateNetworkAclEntry', 'ReplaceNetworkAclEntry'],
    errorCode: [{ exists: false }],
  },
  predicate: (event) => worldIngressCidr(event) !== undefined,
  summarize: (event) =>
    `${actorLabel(event)} allowed inbound ${ports(event)} from ${clean(worldIngressCidr(event), 64) ?? 'anywhere'} ` +
    `in network ACL ${quoted(requestString(event, 'networkAclId'))} (rule ` +
    `${clean(field(event, 'requestParameters', 'ruleNumber'), 8) ?? '?'})${fromSource(event)}.`,
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'A network ACL now lets the whole internet in on the listed protocol and ports. Find the subnets associated ' +
    'with the ACL (`describe-network-acls`) and what runs there; check whether the security groups of those ' +
    'instances still restrict access (they are the remaining layer). Ask the network owner whether the entry was ' +
    'planned: public subnets for load balancers legitimately allow 80/443 from anywhere. Respond: replace or ' +
    'delete the entry (`replace-network-acl-entry`, `delete-network-acl-entry`) if it was not planned, restore the ' +
    'ACL from infrastructure-as-code, and review VPC flow logs for inbound connections since the change. ' +
    'TrailGuard has no automatic remediation for this rule.',
  falsePositives: [
    'Public subnets whose ACL allows HTTP/HTTPS (and ephemeral return ports) from anywhere by design.',
    'Re-creating the allow-all entry of a default-like ACL from infrastructure-as-code.',
  ],
  stratus: [],
  references: { panther: ['AWS.CloudTrail.NetworkACLPermissiveEntry'], sigma: [] },
};
