import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  field,
  fromSource,
  isAwsServiceActor,
  quarantineActor,
  quoted,
  requestString,
} from '../helpers';

const DELETES = [
  'DeleteDBSnapshot',
  'DeleteDBClusterSnapshot',
  'DeleteDBInstanceAutomatedBackup',
  'DeleteDBClusterAutomatedBackup',
];

function retentionZero(event: CloudTrailRecord): boolean {
  const raw = field(event, 'requestParameters', 'backupRetentionPeriod');
  return raw === 0 || raw === '0';
}

/** Backup deletions, or a modification setting `backupRetentionPeriod` to 0 (which deletes automated backups). */
export function destroysBackups(event: CloudTrailRecord): boolean {
  if (isAwsServiceActor(event)) return false;
  return DELETES.includes(event.eventName) || retentionZero(event);
}

function whatHappened(event: CloudTrailRecord): string {
  switch (event.eventName) {
    case 'DeleteDBSnapshot':
      return `deleted RDS snapshot ${quoted(requestString(event, 'dBSnapshotIdentifier'))}`;
    case 'DeleteDBClusterSnapshot':
      return `deleted RDS cluster snapshot ${quoted(requestString(event, 'dBClusterSnapshotIdentifier'))}`;
    case 'DeleteDBInstanceAutomatedBackup':
      return `deleted the retained automated backups of RDS instance ${quoted(requestString(event, 'dbiResourceId') ?? requestString(event, 'dBInstanceAutomatedBackupsArn'))}`;
    case 'DeleteDBClusterAutomatedBackup':
      return `deleted the retained automated backups of RDS cluster ${quoted(requestString(event, 'dbClusterResourceId'))}`;
    default:
      return (
        'turned off automated backups (retention 0 days, which deletes existing ones) of RDS database ' +
        quoted(requestString(event, 'dBInstanceIdentifier') ?? requestString(event, 'dBClusterIdentifier'))
      );
  }
}

export const rule: Rule = {
  id: 'rds.backup-deleted',
  title: 'RDS backups deleted or turned off',
  description:
    'A successful deletion of a manual RDS snapshot or cluster snapshot (`DeleteDBSnapshot`, ' +
    '`DeleteDBClusterSnapshot`), of retained automated backups (`DeleteDBInstanceAutomatedBackup`, ' +
    '`DeleteDBClusterAutomatedBackup`), or a `ModifyDBInstance` / `ModifyDBCluster` setting the backup retention ' +
    'period to 0, which turns automated backups off and deletes the existing ones. Destroying backups is what ' +
    'makes a later deletion or ransom unrecoverable.',
  severity: 'medium',
  attack: ['T1490'],
  match: {
    eventSource: ['rds.amazonaws.com'],
    eventName: [...DELETES, 'ModifyDBInstance', 'ModifyDBCluster'],
    errorCode: [{ exists: false }],
  },
  predicate: destroysBackups,
  summarize: (event) => `${actorLabel(event)} ${whatHappened(event)}${fromSource(event)}.`,
  remediation: (event) => quarantineActor(event, 'it destroyed database backups'),
  defaultMode: 'alert',
  runbook:
    'Recovery points of a database are gone. Check what backups remain for the database (`describe-db-snapshots`, ' +
    '`describe-db-instance-automated-backups`, AWS Backup vaults, cross-region copies) and whether the deletion ' +
    'was part of a retention job or decommissioning. If not: restore backup retention, take a fresh snapshot, ' +
    'copy it to a separate account or a locked AWS Backup vault, and review what else the principal did (deletion ' +
    'protection off, database deletion, snapshot sharing). Treat it as compromised if the change was not ' +
    'planned; TrailGuard quarantines it in `enforce` mode.',
  falsePositives: [
    'Snapshot retention scripts or AWS Backup lifecycle clean-ups deleting old manual snapshots.',
    'Turning automated backups off on disposable test databases.',
  ],
  stratus: [],
  references: { panther: ['AWS.RDS.AutomatedBackupDeleted', 'AWS.RDS.SnapshotDeleted'], sigma: [] },
};
