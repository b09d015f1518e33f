import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  clean,
  field,
  fromSource,
  inRegion,
  isAwsServiceActor,
  isRecord,
  quarantineActor,
} from '../helpers';

const FLOW_LOG_ID = /^fl-[0-9a-f]{8,17}$/;
const MAX_DEPTH = 6;
const MAX_IDS = 50;

/**
 * Flow log ids in a `DeleteFlowLogs` request. CloudTrail logs it as `flowLogIds` (list), `flowLogId`, or the
 * query-API shape `DeleteFlowLogsRequest.FlowLogId` (`{content, tag}` or a list of them); any string that is a
 * flow log id, at a bounded depth, is taken.
 */
export function flowLogIds(event: CloudTrailRecord): string[] {
  const found = new Set<string>();
  const visit = (value: unknown, depth: number): void => {
    if (found.size >= MAX_IDS || depth > MAX_DEPTH) return;
    if (typeof value === 'string') {
      if (FLOW_LOG_ID.test(value.trim())) found.add(value.trim());
    } else if (Array.isArray(value)) {
      for (const item of value.slice(0, MAX_IDS)) visit(item, depth + 1);
    } else if (isRecord(value)) {
      for (const item of Object.values(value).slice(0, MAX_IDS)) visit(item, depth + 1);
    }
  };
  visit(field(event, 'requestParameters'), 0);
  return [...found];
}

export const rule: Rule = {
  id: 'vpc.flow-logs-deleted',
  title: 'VPC flow logs deleted',
  description:
    'A successful `DeleteFlowLogs`. Flow logs are the network record of a VPC, subnet or interface (who talked to ' +
    'what, accepted or rejected); deleting them hides the connections an attacker makes next, such as data ' +
    'leaving through an instance or a new tunnel. Flow logs removed implicitly by deleting their VPC or interface ' +
    'produce no `DeleteFlowLogs` event and are not covered.',
  severity: 'high',
  attack: ['T1562.008'],
  match: {
    eventSource: ['ec2.amazonaws.com'],
    eventName: ['DeleteFlowLogs'],
    errorCode: [{ exists: false }],
  },
  predicate: (event) => !isAwsServiceActor(event),
  summarize: (event) => {
    const ids = flowLogIds(event);
    const shown = ids.slice(0, 3).map((id) => clean(id, 32) ?? id);
    const what =
      ids.length === 0
        ? 'VPC flow logs'
        : `VPC flow log${ids.length > 1 ? 's' : ''} ${shown.join(', ')}${ids.length > 3 ? ` and ${ids.length - 3} more` : ''}`;
    return `${actorLabel(event)} deleted ${what}${inRegion(event)}${fromSource(event)}.`;
  },
  remediation: (event) => quarantineActor(event, 'it deleted VPC flow logs'),
  defaultMode: 'alert',
  runbook:
    'Network visibility for the affected VPC, subnet or interface stops from this moment. Find which resources ' +
    'the deleted flow logs covered (the flow log ids in the finding; `describe-flow-logs` on other ids, AWS Config ' +
    'history or infrastructure-as-code for the deleted ones) and whether they were planned for removal. If not: ' +
    'recreate the flow logs (`create-flow-logs`) from infrastructure-as-code, and review what the same principal ' +
    'did next, especially security group, route table, NAT and instance changes whose traffic would now go ' +
    'unrecorded. Treat the principal as compromised; TrailGuard quarantines it in `enforce` mode. Prevent with an ' +
    'SCP denying `ec2:DeleteFlowLogs` outside a break-glass or network-automation role.',
  falsePositives: [
    'Network teams replacing flow logs (new destination or format) by deleting the old ones.',
    'Tearing down test VPCs with infrastructure-as-code that deletes flow logs explicitly.',
  ],
  stratus: ['aws.defense-evasion.vpc-remove-flow-logs'],
  references: { panther: ['AWS.VPCFlow.LogsDeleted'], sigma: ['AWS VPC Flow Logs Deleted'] },
};
