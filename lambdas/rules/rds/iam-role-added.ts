import type { CloudTrailRecord, Rule } from '../../engine/types';
import { actorLabel, fromSource, isAwsServiceActor, noRemediation, quoted, requestString } from '../helpers';

function database(event: CloudTrailRecord): string {
  return quoted(requestString(event, 'dBInstanceIdentifier') ?? requestString(event, 'dBClusterIdentifier'));
}

export const rule: Rule = {
  id: 'rds.iam-role-added',
  title: 'IAM role attached to an RDS database',
  description:
    'A successful `AddRoleToDBInstance` or `AddRoleToDBCluster`. The role lets the database engine itself call ' +
    'AWS: export query results to S3 (`aws_s3.query_export_to_s3`, `SELECT INTO OUTFILE S3`), load from S3, ' +
    'invoke Lambda functions. Anyone who can run SQL then reaches those services with the role’s permissions, ' +
    'which turns database access into a path for exfiltration or for moving into the account.',
  severity: 'low',
  attack: ['T1098', 'T1537'],
  match: {
    eventSource: ['rds.amazonaws.com'],
    eventName: ['AddRoleToDBInstance', 'AddRoleToDBCluster'],
    errorCode: [{ exists: false }],
  },
  predicate: (event) => !isAwsServiceActor(event),
  summarize: (event) =>
    `${actorLabel(event)} attached IAM role ${quoted(requestString(event, 'roleArn'))} to RDS database ` +
    `${database(event)}${requestString(event, 'featureName') === undefined ? '' : ` for feature ${quoted(requestString(event, 'featureName'))}`}` +
    `${fromSource(event)}.`,
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'The database can now act with an IAM role. Read the role’s policies: which buckets it can write (an export ' +
    'target outside your accounts is the red flag), which functions it can invoke. Ask the database owner ' +
    'whether the feature (S3 import/export, Lambda integration) was planned. If not: remove it ' +
    '(`remove-role-from-db-instance`), review the database’s query logs for S3 exports or Lambda calls, and ' +
    'review the principal’s other actions. TrailGuard has no automatic remediation for this rule.',
  falsePositives: [
    'Enabling S3 import/export or Lambda integration for a data pipeline.',
    'Infrastructure-as-code attaching the monitoring or integration roles of a new database.',
  ],
  stratus: [],
  references: { panther: ['AWS.RDS.IAMRoleAdded'], sigma: [] },
};
