import { NO_CONTEXT } from '../../engine/context';
import type { CloudTrailRecord, DetectionContext, Rule } from '../../engine/types';
import {
  actorLabel,
  clean,
  field,
  fromSource,
  identityType,
  isAwsServiceActor,
  isPublicIpAddress,
  lastArnSegment,
  revokeActorRoleSessions,
  stringAt,
} from '../helpers';

/** EC2 instance ids: `i-` and 8 or 17 hexadecimal digits. */
const INSTANCE_ID = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/i;

/**
 * Agent plumbing the SSM agent runs with the instance's credentials from wherever the instance egresses; an
 * attacker gains nothing by calling these channels, and their volume would drown the rule.
 */
const AGENT_CHANNELS = ['ssmmessages.amazonaws.com', 'ec2messages.amazonaws.com'];

/**
 * A role session made of EC2 instance-profile credentials (delivered by the instance metadata service): CloudTrail
 * marks them with `sessionContext.ec2RoleDelivery` (`1.0` for IMDSv1, `2.0` for IMDSv2), and their session name is
 * the instance id.
 */
export function isInstanceCredential(event: CloudTrailRecord): boolean {
  if (identityType(event) !== 'AssumedRole') return false;
  if (field(event, 'userIdentity', 'sessionContext', 'ec2RoleDelivery') !== undefined) return true;
  return INSTANCE_ID.test(lastArnSegment(stringAt(event, 'userIdentity', 'arn')) ?? '');
}

/**
 * The heuristic, stateless by design:
 * 1. the caller is an EC2 instance-profile session (above);
 * 2. no AWS service made the call for it (`invokedBy`);
 * 3. the source is a public IP address: calls through a VPC endpoint show a private address, and calls AWS makes
 *    show a host name or `AWS Internal`;
 * 4. no VPC endpoint carried the call (`vpcEndpointId` absent);
 * 5. it is not SSM agent plumbing (`ssmmessages`, `ec2messages`);
 * 6. the address is not in the operator's trusted networks (`context/trusted-networks`).
 * An instance whose API traffic leaves through a NAT gateway or its own public address also shows a public
 * address: one event cannot tell that address from an attacker's, so list NAT gateway addresses as trusted
 * networks (or route API calls through VPC endpoints).
 */
export function usedFromPublicAddress(
  event: CloudTrailRecord,
  context: DetectionContext = NO_CONTEXT,
): boolean {
  return (
    isInstanceCredential(event) &&
    !isAwsServiceActor(event) &&
    isPublicIpAddress(event.sourceIPAddress) &&
    !context.isTrustedAddress(event.sourceIPAddress as string) &&
    field(event, 'vpcEndpointId') === undefined &&
    !AGENT_CHANNELS.includes(event.eventSource)
  );
}

export const rule: Rule = {
  id: 'credentials.instance-credentials-used-externally',
  title: 'EC2 instance credentials used from a public address',
  description:
    'An API call signed with an EC2 instance profile’s temporary credentials (a role session marked ' +
    '`ec2RoleDelivery`, or named after an instance id) came from a public IP address, not through a VPC endpoint ' +
    'and not on behalf of an AWS service. Credentials stolen from the instance metadata service (SSRF, a ' +
    'compromised container) and used from the attacker’s machine look exactly like this (Stratus ' +
    '`ec2-steal-instance-credentials`). Private, shared (100.64.0.0/10), loopback, link-local and reserved ' +
    'addresses, AWS service host names and `AWS Internal` are not public; SSM agent channels (`ssmmessages`, ' +
    '`ec2messages`) are ignored. Stateless, so it cannot know the instance’s own egress address: instances ' +
    'reaching AWS APIs through a NAT gateway or their own public IP match too, unless the address is listed in ' +
    '`context/trusted-networks` (NAT gateway Elastic IPs, VPN egress). Read-only calls reach EventBridge ' +
    'only when the stack forwards all management events (`ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`) or ' +
    'through the poller; attackers start with read-only calls. Agrees with Panther ' +
    'AWS.CloudTrail.IMDSCredentialExfiltration, including on an Amazon-owned source address: an attacker’s own ' +
    'EC2 instance is an Amazon address too.',
  severity: 'high',
  attack: ['T1552.005', 'T1078.004'],
  match: {
    userIdentity: {
      type: ['AssumedRole'],
      invokedBy: [{ exists: false }],
      $or: [
        { arn: [{ wildcard: 'arn:aws*:sts::*:assumed-role/*/i-*' }] },
        { sessionContext: { ec2RoleDelivery: [{ exists: true }] } },
      ],
    },
    eventSource: [{ 'anything-but': AGENT_CHANNELS }],
    sourceIPAddress: [{ 'anything-but': { suffix: ['.amazonaws.com', 'AWS Internal'] } }],
    vpcEndpointId: [{ exists: false }],
  },
  predicate: usedFromPublicAddress,
  summarize: (event) =>
    `${actorLabel(event)}, an EC2 instance credential, called ${clean(event.eventSource, 64) ?? 'an unknown service'}:` +
    `${clean(event.eventName, 64) ?? 'an unknown action'}${fromSource(event)}.`,
  /*
   * Stolen temporary credentials cannot be deactivated; revoking the role's sessions issued until now cuts them
   * off. It also cuts off the instances' current credentials until the metadata service hands them new ones, so
   * it is disruptive: alert by default.
   */
  remediation: (event) =>
    revokeActorRoleSessions(event, 'its instance credentials were used from a public address'),
  defaultMode: 'alert',
  runbook:
    'Instance-profile credentials are meant to be used by the instance. Find the instance (the session name is ' +
    'its id) and its network path to AWS APIs: if it has a public IP or sits behind a NAT gateway and that is ' +
    'the address in the finding, this is the instance itself (consider VPC endpoints, which make such calls ' +
    'private). Otherwise the credentials were taken, typically through SSRF to the metadata service or a ' +
    'compromised workload. Investigate every call made with the same access key (`userIdentity.accessKeyId`) and ' +
    'from the same address; check whether the instance enforces IMDSv2 (`ec2RoleDelivery` 1.0 means IMDSv1 was ' +
    'used). Respond: revoke the role’s sessions (TrailGuard’s plan; the instances get fresh credentials from the ' +
    'metadata service), enforce IMDSv2 with a hop limit of 1, fix the entry point, and consider a ' +
    '`aws:EC2InstanceSourceVPC` / `aws:EC2InstanceSourcePrivateIPv4` condition on the role so its credentials ' +
    'only work from their instance.',
  falsePositives: [
    'Instances that call AWS APIs through a NAT gateway or their own public IP instead of VPC endpoints: their ' +
      'egress address is public. List those addresses in `context/trusted-networks`.',
    'Workloads that copy instance credentials to another host on purpose (bad practice, but it happens).',
  ],
  stratus: ['aws.credential-access.ec2-steal-instance-credentials'],
  references: {
    panther: ['AWS.CloudTrail.IMDSCredentialExfiltration'],
    sigma: [],
  },
};
