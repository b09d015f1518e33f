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

function detail(event: CloudTrailRecord): string {
  const parts: string[] = [];
  if (boolOf(field(event, 'requestParameters', 'skipFinalSnapshot')) === true)
    parts.push('without a final snapshot');
  if (boolOf(field(event, 'requestParameters', 'deleteAutomatedBackups')) === true)
    parts.push('and its automated backups');
  return parts.length === 0 ? '' : ` ${parts.join(' ')}`;
}

export const rule: Rule = {
  id: 'rds.database-deleted',
  title: 'RDS database deleted',
  description:
    'A successful `DeleteDBInstance` or `DeleteDBCluster`. Deleting a database, above all without a final ' +
    'snapshot and with its automated backups, is data destruction; the summary says which. Calls by AWS ' +
    'services on a principal’s behalf (CloudFormation deleting a stack) are not counted.',
  severity: 'medium',
  attack: ['T1485'],
  match: {
    eventSource: ['rds.amazonaws.com'],
    eventName: ['DeleteDBInstance', 'DeleteDBCluster'],
    errorCode: [{ exists: false }],
  },
  predicate: (event) => !isAwsServiceActor(event),
  summarize: (event) =>
    `${actorLabel(event)} deleted RDS ${event.eventName === 'DeleteDBCluster' ? 'cluster' : 'database'} ` +
    `${quoted(requestString(event, 'dBInstanceIdentifier') ?? requestString(event, 'dBClusterIdentifier'))}` +
    `${detail(event)}${fromSource(event)}.`,
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'A database is being deleted. Ask its owner whether it was planned. If not: find the most recent recovery ' +
    'point (the final snapshot named in the request, retained automated backups, AWS Backup, cross-region ' +
    'copies) and restore from it; a deletion that skipped the final snapshot and removed automated backups leaves ' +
    'only what was copied elsewhere. Review what the principal did before (deletion protection turned off, ' +
    'snapshots shared or exported) and quarantine it. Protect production databases with deletion protection and ' +
    'an SCP denying `rds:DeleteDBInstance` outside a deployment role. TrailGuard has no automatic remediation.',
  falsePositives: [
    'Decommissioning databases, and deleting development or test databases by hand.',
    'Blue/green deployments removing the old environment.',
  ],
  stratus: [],
  references: {
    panther: ['AWS.RDS.InstanceDeletion'],
    sigma: ['Modification or Deletion of an AWS RDS Cluster'],
  },
};
