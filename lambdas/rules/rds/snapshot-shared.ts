import { NO_CONTEXT } from '../../engine/context';
import type { CloudTrailRecord, DetectionContext, RemediationStep, Rule } from '../../engine/types';
import {
  actorLabel,
  asList,
  describeShareTargets,
  externalShareTargets,
  field,
  fromSource,
  isAwsServiceActor,
  quoted,
  regionOf,
  requestString,
  unshareDbSnapshotSteps,
} from '../helpers';

function isCluster(event: CloudTrailRecord): boolean {
  return event.eventName === 'ModifyDBClusterSnapshotAttribute';
}

function snapshotIdentifier(event: CloudTrailRecord): string | undefined {
  return isCluster(event)
    ? requestString(event, 'dBClusterSnapshotIdentifier')
    : requestString(event, 'dBSnapshotIdentifier');
}

/**
 * Who a `Modify(DB|DBCluster)SnapshotAttribute` request on the `restore` attribute newly lets restore the
 * snapshot, beyond its own account: `all` (public) and other accounts' ids from `valuesToAdd`.
 */
export function dbSnapshotShareTargets(
  event: CloudTrailRecord,
  context: DetectionContext = NO_CONTEXT,
): string[] {
  if (isAwsServiceActor(event)) return [];
  if (requestString(event, 'attributeName')?.toLowerCase() !== 'restore') return [];
  return externalShareTargets(event, asList(field(event, 'requestParameters', 'valuesToAdd')), context);
}

function unshareStep(event: CloudTrailRecord, context: DetectionContext = NO_CONTEXT): RemediationStep[] {
  const identifier = snapshotIdentifier(event);
  const region = regionOf(event);
  if (identifier === undefined || region === undefined) return [];
  const snapshotType = isCluster(event) ? 'cluster' : 'instance';
  return unshareDbSnapshotSteps(identifier, snapshotType, region, dbSnapshotShareTargets(event, context));
}

export const rule: Rule = {
  id: 'rds.snapshot-shared',
  title: 'RDS snapshot shared publicly or with another account',
  description:
    'A successful `ModifyDBSnapshotAttribute` or `ModifyDBClusterSnapshotAttribute` adding `all` (public) or an ' +
    'account other than the snapshot’s own to the `restore` attribute. Whoever it is shared with can restore the ' +
    'whole database in their account. Accounts listed in `context/trusted-accounts` do not count; every other ' +
    'account does, since one event cannot tell a partner from a stranger. Removals (`valuesToRemove`) are ignored.',
  severity: 'high',
  attack: ['T1537'],
  match: {
    eventSource: ['rds.amazonaws.com'],
    eventName: ['ModifyDBSnapshotAttribute', 'ModifyDBClusterSnapshotAttribute'],
    errorCode: [{ exists: false }],
  },
  predicate: (event, context) => dbSnapshotShareTargets(event, context).length > 0,
  summarize: (event, context) =>
    `${actorLabel(event)} shared RDS ${isCluster(event) ? 'cluster ' : ''}snapshot ` +
    `${quoted(snapshotIdentifier(event))} ${describeShareTargets(dbSnapshotShareTargets(event, context))}${fromSource(event)}.`,
  remediation: unshareStep,
  defaultMode: 'alert',
  runbook:
    'A copy of the database can now be restored outside your account. Check who it is shared with (public, or an ' +
    'account outside your organization and known partners) and what the snapshot holds (its source instance, ' +
    'when it was created: a `CreateDBSnapshot` by the same principal just before is the exfiltration pattern). ' +
    'Snapshots encrypted with a customer managed key are only usable by accounts the key policy also allows. ' +
    'Respond: remove the share (in `enforce` mode TrailGuard removes exactly the shares this event added, and ' +
    'undo restores them), treat the data as exposed if the account is unknown, and review the principal’s other ' +
    'actions.',
  falsePositives: [
    'Sharing snapshots with the organization’s backup, disaster-recovery or analytics accounts.',
    'Migrations to another account by snapshot sharing.',
  ],
  stratus: ['aws.exfiltration.rds-share-snapshot'],
  references: { panther: ['AWS.RDS.SnapshotShared'], sigma: [] },
};
