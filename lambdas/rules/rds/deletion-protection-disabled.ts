import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  boolOf,
  field,
  fromSource,
  isAwsServiceActor,
  noRemediation,
  quoted,
  requestString,
} from '../helpers';

export function disablesDeletionProtection(event: CloudTrailRecord): boolean {
  return (
    !isAwsServiceActor(event) && boolOf(field(event, 'requestParameters', 'deletionProtection')) === false
  );
}

export const rule: Rule = {
  id: 'rds.deletion-protection-disabled',
  title: 'RDS deletion protection turned off',
  description:
    'A successful `ModifyDBInstance` or `ModifyDBCluster` setting `deletionProtection` to false. Deletion ' +
    'protection is what stops a database from being deleted by one call; turning it off is the step before ' +
    'destroying it (and its automated backups), and rarely needed otherwise.',
  severity: 'medium',
  attack: ['T1485'],
  match: {
    eventSource: ['rds.amazonaws.com'],
    eventName: ['ModifyDBInstance', 'ModifyDBCluster'],
    errorCode: [{ exists: false }],
  },
  predicate: disablesDeletionProtection,
  summarize: (event: CloudTrailRecord) =>
    `${actorLabel(event)} turned off deletion protection of RDS database ` +
    `${quoted(requestString(event, 'dBInstanceIdentifier') ?? requestString(event, 'dBClusterIdentifier'))}` +
    `${fromSource(event)}.`,
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'The database can now be deleted with a single call. Ask its owner whether a decommissioning is under way. If ' +
    'not: turn protection back on (`modify-db-instance --deletion-protection --apply-immediately`), check that ' +
    'recent snapshots exist and are not shared, and review what else the principal changed (backup retention set ' +
    'to 0, public access, snapshot deletions). Quarantine the principal if it was not planned. TrailGuard has no ' +
    'automatic remediation for this rule.',
  falsePositives: [
    'Planned decommissioning of a database (protection off, then delete).',
    'Infrastructure-as-code replacing a database, which needs protection off first.',
  ],
  stratus: [],
  references: { panther: ['AWS.RDS.DeletionProtectionDisabled'], sigma: [] },
};
