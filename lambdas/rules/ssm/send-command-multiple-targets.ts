import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  asList,
  clean,
  field,
  fromSource,
  isAwsServiceActor,
  isAwsServiceSource,
  noRemediation,
  quoted,
  requestString,
  str,
} from '../helpers';

/** Instances named in one call at or above which a command counts as fan-out. */
export const FAN_OUT_INSTANCES = 3;

/**
 * AWS documents that maintain instances rather than run caller-supplied commands. Patch Manager, Inventory and
 * agent updates send them to whole fleets by design.
 */
const MAINTENANCE_DOCUMENTS = new Set([
  'AWS-RunPatchBaseline',
  'AWS-RunPatchBaselineAssociation',
  'AWS-RunPatchBaselineWithHooks',
  'AWS-UpdateSSMAgent',
  'AWS-UpdateEC2Config',
  'AWS-GatherSoftwareInventory',
  'AWS-RefreshAssociation',
  'AWS-ConfigureAWSPackage',
  'AmazonCloudWatch-ManageAgent',
]);

/** How the call chose its targets: `{ instances: n }`, or `{ selector }` for tag / resource-group / `*` targets. */
export function targetsOf(event: CloudTrailRecord): { instances: number } | { selector: string } | undefined {
  const ids = new Set(
    asList(field(event, 'requestParameters', 'instanceIds')).filter(
      (v): v is string => typeof v === 'string',
    ),
  );
  for (const target of asList(field(event, 'requestParameters', 'targets'))) {
    const key = str(field(target, 'key')) ?? str(field(target, 'Key'));
    const values = asList(field(target, 'values') ?? field(target, 'Values'));
    if (key === undefined) continue;
    if (key.toLowerCase() === 'instanceids' && !values.includes('*')) {
      for (const v of values) if (typeof v === 'string') ids.add(v);
      continue;
    }
    return { selector: key.toLowerCase() === 'instanceids' ? 'every instance' : `targets by ${key}` };
  }
  return ids.size === 0 ? undefined : { instances: ids.size };
}

function isFanOut(event: CloudTrailRecord): boolean {
  const document = requestString(event, 'documentName');
  if (document !== undefined && MAINTENANCE_DOCUMENTS.has(document)) return false;
  const targets = targetsOf(event);
  if (targets === undefined) return false;
  return 'selector' in targets || targets.instances >= FAN_OUT_INSTANCES;
}

function describeTargets(event: CloudTrailRecord): string {
  const targets = targetsOf(event);
  if (targets === undefined) return 'instances';
  if ('selector' in targets) return clean(targets.selector, 80) ?? 'a target selector';
  return `${targets.instances} instances`;
}

export const rule: Rule = {
  id: 'ssm.send-command-multiple-targets',
  title: 'SSM command sent to many instances at once',
  description:
    `A successful \`SendCommand\` ran a document on ${FAN_OUT_INSTANCES} or more instances named in one call, or ` +
    'on instances chosen by tag, resource group or `*`: one call that runs code as root or SYSTEM across a fleet ' +
    '(Stratus `ssm-send-command`). AWS maintenance documents (patching, inventory, agent updates) and commands ' +
    'sent by AWS services (maintenance windows and State Manager: `invokedBy`, or a service host name as source) ' +
    'are excluded. Commands sent one instance at a time are not counted here (see `ssm.session-fan-out` for ' +
    'sessions). Panther AWS.SSM.DistributedCommand remembers instance ids across calls in a cache (its tests mock ' +
    'it); this rule has no such state, so a single-instance command never matches here, whatever came before.',
  severity: 'medium',
  attack: ['T1651', 'T1021.007'],
  match: {
    eventSource: ['ssm.amazonaws.com'],
    eventName: ['SendCommand'],
    errorCode: [{ exists: false }],
  },
  predicate: (event) => !isAwsServiceActor(event) && !isAwsServiceSource(event) && isFanOut(event),
  summarize: (event) =>
    `${actorLabel(event)} ran SSM document ${quoted(requestString(event, 'documentName'))} on ` +
    `${describeTargets(event)}${fromSource(event)}.`,
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'A command ran on several instances at once through Systems Manager. Administrators and deployment tools do ' +
    'this; so do attackers who reached a principal with `ssm:SendCommand`, to run code on every machine. The ' +
    'command text is hidden in CloudTrail: read it with `aws ssm list-commands --command-id <responseElements ' +
    'command.commandId>` and the per-instance output with `get-command-invocation`. Check the document (a custom ' +
    'document can run anything), the actor and the source address. If not expected: cancel the command ' +
    '(`aws ssm cancel-command`), isolate the instances and look for persistence on them, and contain the actor.',
  falsePositives: [
    'Operators and deployment tools running scripts across a fleet (AWS-RunShellScript on tagged instances).',
    'Custom maintenance documents run from a person’s or pipeline’s credentials instead of a maintenance window.',
  ],
  stratus: ['aws.execution.ssm-send-command'],
  references: {
    panther: ['AWS.SSM.DistributedCommand'],
    sigma: [],
    disagreements: [
      {
        panther: 'AWS.SSM.DistributedCommand',
        test: 'Single Command Send, Many Cached IDs',
        reason:
          'Panther counts instance ids cached from earlier calls (mocked); this rule judges one call alone',
      },
    ],
  },
};
