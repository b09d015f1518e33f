import type { CloudTrailRecord, EventPattern, RemediationStep, Rule } from '../../engine/types';
import {
  actorLabel,
  boolOf,
  clean,
  field,
  fromSource,
  items,
  MAX_STEPS_PER_KIND,
  quoted,
  regionOf,
  requestString,
  revokeIngressRuleStep,
  stringAt,
} from '../helpers';

/** One ingress permission that opens a security group to every address. */
export interface WorldIngress {
  readonly cidr: string;
  readonly protocol?: string;
  readonly fromPort?: number;
  readonly toPort?: number;
}

/**
 * A CIDR whose prefix length is 0 covers every address of its family, whatever the address part says
 * (`0.0.0.0/0`, `::/0`, and equally `10.1.2.3/0`).
 */
export function isWorldCidr(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 64) return false;
  const match = /^\s*[0-9A-Fa-f:.]+\/(\d{1,3})\s*$/.exec(value);
  return match !== null && Number(match[1]) === 0;
}

function port(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
}

function ingress(cidr: string, permission: unknown): WorldIngress {
  const raw = field(permission, 'ipProtocol');
  const protocol = typeof raw === 'string' || typeof raw === 'number' ? String(raw).toLowerCase() : undefined;
  // "-1" is every protocol and port; the request omits ports for it while the response logs -1.
  if (protocol === '-1') return { cidr: cidr.trim(), protocol };
  return {
    cidr: cidr.trim(),
    protocol,
    fromPort: port(field(permission, 'fromPort')),
    toPort: port(field(permission, 'toPort')),
  };
}

/**
 * The world-open permissions an `AuthorizeSecurityGroupIngress` event granted, read from every shape CloudTrail
 * uses for it:
 * - `requestParameters.ipPermissions.items[].ipRanges.items[].cidrIp` and `.ipv6Ranges.items[].cidrIpv6`;
 * - the flat form `requestParameters.cidrIp` / `cidrIpv6` with `ipProtocol`, `fromPort`, `toPort` (what the
 *   CLI's `--cidr` and the Stratus detonation send);
 * - `responseElements.securityGroupRuleSet.items[]` (`cidrIpv4` / `cidrIpv6`), which newer events carry and
 *   which states the rules actually created.
 */
export function worldIngress(event: CloudTrailRecord): WorldIngress[] {
  const found: WorldIngress[] = [];
  const request = field(event, 'requestParameters');
  for (const key of ['cidrIp', 'cidrIpv6']) {
    const cidr = field(request, key);
    if (isWorldCidr(cidr)) found.push(ingress(cidr, request));
  }
  for (const permission of items(field(request, 'ipPermissions'))) {
    for (const range of items(field(permission, 'ipRanges'))) {
      const cidr = field(range, 'cidrIp');
      if (isWorldCidr(cidr)) found.push(ingress(cidr, permission));
    }
    for (const range of items(field(permission, 'ipv6Ranges'))) {
      const cidr = field(range, 'cidrIpv6');
      if (isWorldCidr(cidr)) found.push(ingress(cidr, permission));
    }
  }
  for (const created of items(field(event, 'responseElements', 'securityGroupRuleSet'))) {
    if (boolOf(field(created, 'isEgress')) === true) continue;
    for (const key of ['cidrIpv4', 'cidrIpv6']) {
      const cidr = field(created, key);
      if (isWorldCidr(cidr)) found.push(ingress(cidr, created));
    }
  }
  // The request and the response describe the same rules: keep one of each.
  const seen = new Set<string>();
  return found.filter((p) => {
    const key = `${p.cidr}|${p.protocol}|${p.fromPort}|${p.toPort}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A successful `AuthorizeSecurityGroupIngress`; the predicates read what it opened. */
export const INGRESS_AUTHORIZED: EventPattern = {
  eventSource: ['ec2.amazonaws.com'],
  eventName: ['AuthorizeSecurityGroupIngress'],
  errorCode: [{ exists: false }],
};

/**
 * The ports AWS Security Hub control EC2.18 authorises for unrestricted ingress by default
 * (`authorizedTcpPorts`: 80 and 443, TCP only).
 */
export const WEB_PORTS: readonly number[] = [80, 443];

/**
 * True when a world-open permission covers only TCP 80 or only TCP 443 (`-1`, other protocols, missing ports and
 * ranges such as `0-65535` or `80-443` reach other ports). Each permission names one range, so a request opening
 * 80 and 443 carries two web-only permissions.
 */
export function isWebPortOnly(permission: WorldIngress): boolean {
  const { protocol, fromPort, toPort } = permission;
  if (protocol !== 'tcp' && protocol !== '6') return false;
  return fromPort !== undefined && fromPort === toPort && WEB_PORTS.includes(fromPort);
}

/** The world-open permissions of the event that reach more than TCP 80/443: this rule's. */
export function nonWebWorldIngress(event: CloudTrailRecord): WorldIngress[] {
  return worldIngress(event).filter((p) => !isWebPortOnly(p));
}

/** The world-open permissions of the event limited to TCP 80/443: `ec2.security-group-web-port-open-to-world`'s. */
export function webWorldIngress(event: CloudTrailRecord): WorldIngress[] {
  return worldIngress(event).filter(isWebPortOnly);
}

/**
 * "<actor> opened security group "sg-1"<qualifier> to the internet (0.0.0.0/0 on tcp port 22, ...) from <ip>.":
 * the first three permissions of `open`, or `fallback` when none could be described.
 */
export function summarizeIngress(
  event: CloudTrailRecord,
  open: readonly WorldIngress[],
  qualifier: string,
  fallback: string,
): string {
  const shown = open.slice(0, 3).map(describeIngress).join(', ');
  const more = open.length > 3 ? ` and ${open.length - 3} more` : '';
  const group = requestString(event, 'groupId') ?? requestString(event, 'groupName');
  return (
    `${actorLabel(event)} opened security group ${quoted(group)} to the internet${qualifier} ` +
    `(${shown.length > 0 ? shown : fallback}${more})${fromSource(event)}.`
  );
}

/** `0.0.0.0/0 on tcp port 22`, `::/0 on all traffic`, for summaries and step descriptions. */
export function describeIngress(permission: WorldIngress): string {
  const cidr = clean(permission.cidr, 64) ?? 'the internet';
  const protocol = clean(permission.protocol, 16);
  if (protocol === undefined || protocol === '-1' || protocol === 'all') return `${cidr} on all traffic`;
  const { fromPort, toPort } = permission;
  if (fromPort === undefined || fromPort < 0) return `${cidr} on ${protocol}`;
  if (toPort === undefined || toPort === fromPort) return `${cidr} on ${protocol} port ${fromPort}`;
  return `${cidr} on ${protocol} ports ${fromPort}-${toPort}`;
}

export const rule: Rule = {
  id: 'ec2.security-group-open-to-world',
  title: 'Security group opened to the internet',
  description:
    'A successful `AuthorizeSecurityGroupIngress` allowed inbound traffic from every address: an IPv4 or IPv6 ' +
    'range with prefix length 0 (`0.0.0.0/0`, `::/0`), in any of the request or response shapes CloudTrail logs, ' +
    'on a port other than TCP 80 and 443. Permissions limited to TCP 80 or 443, the ports AWS Security Hub ' +
    'control EC2.18 authorises for unrestricted ingress by default, are `ec2.security-group-web-port-open-to-world` ' +
    '(low); a permission that reaches other ports as well (protocol `-1`, a range such as `0-65535` or `80-443`, ' +
    'UDP 443) still counts here, and a call opening 443 and 22 counts here for the 22 part only (summary and ' +
    'remediation name only the non-web permissions). Not covered: `ModifySecurityGroupRules` (its request does ' +
    'not say whether the rule is ingress or egress) and prefix lists or referenced groups that are themselves open.',
  severity: 'high',
  attack: ['T1562.007'],
  match: INGRESS_AUTHORIZED,
  predicate: (event) => nonWebWorldIngress(event).length > 0,
  summarize: (event) => summarizeIngress(event, nonWebWorldIngress(event), '', 'all addresses'),
  /*
   * Revoke exactly the rules the call created that are open to the world, by the rule ids in
   * `responseElements.securityGroupRuleSet` (older events without them get no step: revoking by description could
   * hit a rule that existed before). The group's other rules, narrower rules from the same call and world-open
   * rules limited to TCP 80/443 (reported by ec2.security-group-web-port-open-to-world, never revoked) stay.
   */
  remediation: (event) => {
    const region = regionOf(event);
    if (region === undefined) return [];
    const steps: RemediationStep[] = [];
    for (const created of items(field(event, 'responseElements', 'securityGroupRuleSet'))) {
      if (boolOf(field(created, 'isEgress')) !== false) continue;
      const groupId = stringAt(created, 'groupId');
      const ruleId = stringAt(created, 'securityGroupRuleId');
      const cidr = [stringAt(created, 'cidrIpv4'), stringAt(created, 'cidrIpv6')].find(isWorldCidr);
      if (cidr === undefined || groupId === undefined || ruleId === undefined) continue;
      if (!/^sg-[0-9a-f]{8,17}$/.test(groupId) || !/^sgr-[0-9a-f]{8,17}$/.test(ruleId)) continue;
      const permission = ingress(cidr, created);
      if (isWebPortOnly(permission)) continue;
      steps.push(revokeIngressRuleStep(groupId, ruleId, region, describeIngress(permission)));
      if (steps.length >= MAX_STEPS_PER_KIND) break;
    }
    return steps;
  },
  defaultMode: 'alert',
  runbook:
    'A security group now accepts traffic from anywhere. Find what uses the group (`DescribeNetworkInterfaces` ' +
    'filtered by `group-id`) and what listens on the opened ports: SSH (22), RDP (3389) and database ports open ' +
    'to the world are rarely intended and are scanned within minutes. Confirm with the owner whether it was ' +
    'planned (ports 80/443 alone are reported at low severity by ec2.security-group-web-port-open-to-world; a ' +
    'wide range or all traffic is not a web server). Investigate inbound connections with VPC Flow Logs ' +
    'and, for instances, their logs. Respond: revoke the rule (`RevokeSecurityGroupIngress` with the ' +
    '`securityGroupRuleId` from the event) or narrow it to known addresses, prefer Session Manager or EC2 ' +
    'Instance Connect over open SSH/RDP, and review what the actor changed alongside. In `enforce` mode ' +
    'TrailGuard revokes exactly the world-open rules the event created other than TCP 80/443 ones (by rule id, ' +
    'not the whole group); the default is alert because services on other ports (mail, VPN, game or custom ' +
    'public endpoints) are sometimes opened this way on purpose.',
  falsePositives: [
    'Public services on ports other than 80/443 (SMTP, VPN endpoints, custom TCP or UDP listeners), or a web ' +
      'server opened with a port range or all traffic instead of 80/443 alone.',
    'Short-lived test environments opened by their owners.',
  ],
  stratus: ['aws.exfiltration.ec2-security-group-open-port-22-ingress'],
  references: { panther: [], sigma: [] },
};
