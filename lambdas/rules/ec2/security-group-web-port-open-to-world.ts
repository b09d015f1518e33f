import type { Rule } from '../../engine/types';
import { noRemediation } from '../helpers';
import { INGRESS_AUTHORIZED, summarizeIngress, webWorldIngress } from './security-group-open-to-world';

export const rule: Rule = {
  id: 'ec2.security-group-web-port-open-to-world',
  title: 'Security group opened to the internet on a web port',
  description:
    'A successful `AuthorizeSecurityGroupIngress` allowed inbound traffic from every address (`0.0.0.0/0`, ' +
    '`::/0`, any prefix length 0) on TCP port 80 or 443 only, read from the same request and response shapes as ' +
    '`ec2.security-group-open-to-world`. AWS Security Hub control EC2.18 authorises these two ports for ' +
    'unrestricted ingress by default, and public load balancers and web servers are opened this way on purpose, ' +
    'so this is low: a record of what became reachable, not an incident. Any permission that reaches other ports ' +
    '(protocol `-1`, a range such as `0-65535` or `80-443`, UDP) is `ec2.security-group-open-to-world` (high); a ' +
    'call opening both 443 and 22 raises both rules, each naming its own permissions. No remediation is planned.',
  severity: 'low',
  attack: ['T1562.007'],
  match: INGRESS_AUTHORIZED,
  predicate: (event) => webWorldIngress(event).length > 0,
  summarize: (event) => summarizeIngress(event, webWorldIngress(event), ' on a web port', 'tcp 80/443'),
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'A security group now accepts HTTP or HTTPS from anywhere. That is what a public load balancer, a web server ' +
    'or a CDN origin needs, so confirm it matches something meant to be public: find what uses the group ' +
    '(`DescribeNetworkInterfaces` filtered by `group-id`; a load balancer, an instance, a container task) and ' +
    'whether its owner expects internet traffic. Be wary when the group belongs to an instance or database that ' +
    'should sit behind a load balancer or CloudFront, when the listener on 80/443 is an admin console, or when ' +
    'the change came from an unusual principal or address (`AuthorizeSecurityGroupIngress` by a person outside ' +
    'the infrastructure-as-code pipeline). Investigate the traffic with VPC Flow Logs and the web server or load ' +
    'balancer access logs. Respond: if it is not meant to be public, revoke the rule ' +
    '(`RevokeSecurityGroupIngress` with the `securityGroupRuleId` from the event) or narrow it to known ranges ' +
    '(the CloudFront origin-facing managed prefix list for origins behind CloudFront). TrailGuard never revokes ' +
    'these rules itself.',
  falsePositives: [
    'Public Application or Network Load Balancers listening on 80/443 (one finding per new load balancer group).',
    'Web servers reached directly rather than through CloudFront or a load balancer (CloudFront-less sites, ' +
      'small services, ACME HTTP-01 certificate validation on port 80).',
  ],
  stratus: [],
  references: { panther: [], sigma: [] },
};
