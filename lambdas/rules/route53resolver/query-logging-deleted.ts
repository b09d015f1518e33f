import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  fromSource,
  inRegion,
  isAwsServiceActor,
  quarantineActor,
  quoted,
  requestString,
  responseString,
} from '../helpers';

function whatHappened(event: CloudTrailRecord): string {
  const config = quoted(
    requestString(event, 'resolverQueryLogConfigId') ??
      responseString(event, 'resolverQueryLogConfig', 'name'),
  );
  if (event.eventName === 'DeleteResolverQueryLogConfig') {
    return `deleted Route 53 Resolver query logging configuration ${config}`;
  }
  return `stopped Route 53 Resolver query logging ${config} for VPC ${quoted(requestString(event, 'resourceId'))}`;
}

export const rule: Rule = {
  id: 'route53resolver.query-logging-deleted',
  title: 'DNS query logging deleted or detached from a VPC',
  description:
    'A successful `DeleteResolverQueryLogConfig` (the configuration and every VPC association go) or ' +
    '`DisassociateResolverQueryLogConfig` (one VPC stops being logged). Resolver query logs record every DNS ' +
    'lookup made from the VPC, which is how command-and-control domains, DNS tunnelling and data exfiltration ' +
    'over DNS are found; removing them blinds that view before the attacker uses it.',
  severity: 'high',
  attack: ['T1562.008'],
  match: {
    eventSource: ['route53resolver.amazonaws.com'],
    eventName: ['DeleteResolverQueryLogConfig', 'DisassociateResolverQueryLogConfig'],
    errorCode: [{ exists: false }],
  },
  predicate: (event) => !isAwsServiceActor(event),
  summarize: (event) => `${actorLabel(event)} ${whatHappened(event)}${inRegion(event)}${fromSource(event)}.`,
  remediation: (event) => quarantineActor(event, 'it removed DNS query logging'),
  defaultMode: 'alert',
  runbook:
    'DNS lookups from the affected VPCs are no longer logged. Find which VPCs the configuration covered (the ' +
    'response’s `associationCount`, `list-resolver-query-log-config-associations`, or infrastructure-as-code) and ' +
    'where logs went (`destinationArn`). Confirm with the network owner whether it was planned. If not: recreate ' +
    'the configuration and its associations, then review the last logged queries and the same principal’s other ' +
    'actions, since removing DNS logging usually precedes command-and-control or exfiltration. Treat the ' +
    'principal as compromised; TrailGuard quarantines it in `enforce` mode. Prevent with an SCP denying ' +
    '`route53resolver:DeleteResolverQueryLogConfig` and `DisassociateResolverQueryLogConfig`.',
  falsePositives: [
    'Moving query logging to a new destination (delete the old configuration, create a new one).',
    'Deleting test VPCs, which requires disassociating their query logging first.',
  ],
  stratus: ['aws.defense-evasion.dns-delete-logs'],
  references: { panther: ['AWS.CloudTrail.DNSLogsDeleted'], sigma: [] },
};
