import { NO_CONTEXT } from '../../engine/context';
import type { CloudTrailRecord, DetectionContext, RemediationStep, Rule } from '../../engine/types';
import {
  actorLabel,
  addedShareTargets,
  describeShareTargets,
  fromSource,
  quoted,
  regionOf,
  requestString,
  unshareSnapshotSteps,
} from '../helpers';

/**
 * Who a `ModifySnapshotAttribute` request newly lets create volumes from the snapshot, beyond its own account:
 * `all` for `{group: "all"}` (public) and other accounts' ids for `{userId}`, from
 * `requestParameters.createVolumePermission.add.items`. Removals are ignored.
 */
export function snapshotShareTargets(
  event: CloudTrailRecord,
  context: DetectionContext = NO_CONTEXT,
): string[] {
  return addedShareTargets(event, 'createVolumePermission', context);
}

function unshareStep(event: CloudTrailRecord, context: DetectionContext = NO_CONTEXT): RemediationStep[] {
  const snapshotId = requestString(event, 'snapshotId');
  const region = regionOf(event);
  if (snapshotId === undefined || region === undefined) return [];
  return unshareSnapshotSteps(snapshotId, region, snapshotShareTargets(event, context));
}

export const rule: Rule = {
  id: 'ebs.snapshot-shared',
  title: 'EBS snapshot shared publicly or with another account',
  description:
    'A successful `ModifySnapshotAttribute` adding create-volume permission for everyone (`group: all`) or for an ' +
    'account other than the one the snapshot lives in. Whoever it is shared with can create a volume from it in ' +
    'their own account and read the whole disk. Accounts listed in `context/trusted-accounts` do not count; ' +
    'every other account does, since one event cannot tell a partner from a stranger. Shares with organizations or OUs do not exist for EBS ' +
    'snapshots; removals are ignored.',
  severity: 'high',
  attack: ['T1537'],
  match: {
    eventSource: ['ec2.amazonaws.com'],
    eventName: ['ModifySnapshotAttribute'],
    errorCode: [{ exists: false }],
  },
  predicate: (event, context) => snapshotShareTargets(event, context).length > 0,
  summarize: (event, context) =>
    `${actorLabel(event)} shared EBS snapshot ${quoted(requestString(event, 'snapshotId'))} ` +
    `${describeShareTargets(snapshotShareTargets(event, context))}${fromSource(event)}.`,
  remediation: unshareStep,
  defaultMode: 'alert',
  runbook:
    'The snapshot’s data can now be copied out of your account. Check who it is shared with: a public share is ' +
    'almost never intended; an account id you do not recognise (not in your organization, not a known backup or ' +
    'partner account) is the exfiltration pattern. Find what the snapshot contains (its source volume and ' +
    'instance) and whether it is encrypted (an encrypted snapshot is useless without access to its KMS key). ' +
    'Respond: remove the share (in `enforce` mode TrailGuard removes exactly the shares this event added, and ' +
    'undo restores them), then review the principal’s other actions (snapshot creation just before, ' +
    '`DisableEbsEncryptionByDefault`, `CopySnapshot`). Enable EBS snapshot Block Public Access to stop public ' +
    'shares account-wide.',
  falsePositives: [
    'Sharing snapshots with the organization’s backup, disaster-recovery or migration accounts: list them in ' +
      '`context/trusted-accounts`.',
    'Vendors or partners that receive disk images by design; add them to your runbook, not the rule.',
  ],
  stratus: ['aws.exfiltration.ec2-share-ebs-snapshot'],
  references: { panther: ['AWS.CloudTrail.SnapshotMadePublic'], sigma: ['AWS Snapshot Backup Exfiltration'] },
};
