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
  responseString,
} from '../helpers';

const CREATES = ['CreateDBInstance', 'CreateDBCluster', 'CreateDBInstanceReadReplica'];

/**
 * True when the call makes a database publicly accessible:
 * - modifications (`ModifyDBInstance`, `ModifyDBCluster`) when the request sets `publiclyAccessible: true`. The
 *   response describes the database as it is, so an already-public database would match on every unrelated
 *   change (storage, parameters) if it were read;
 * - restores when the request or the response says so: the restored database is new, and a restore that is
 *   public only because the snapshot's settings or the default VPC made it so is exactly the risk;
 * - creations only when the request asks for it: the response is also `true` for databases that are public
 *   merely by default (created in a default VPC without a subnet group), which is every console quick-start
 *   and would drown the signal.
 */
export function makesPublic(event: CloudTrailRecord): boolean {
  if (isAwsServiceActor(event)) return false;
  const requested = boolOf(field(event, 'requestParameters', 'publiclyAccessible')) === true;
  if (!event.eventName.startsWith('Restore')) return requested;
  return requested || boolOf(field(event, 'responseElements', 'publiclyAccessible')) === true;
}

function database(event: CloudTrailRecord): string {
  const id =
    requestString(event, 'dBInstanceIdentifier') ??
    requestString(event, 'dBClusterIdentifier') ??
    requestString(event, 'targetDBInstanceIdentifier') ??
    responseString(event, 'dBInstanceIdentifier');
  return quoted(id);
}

function verb(event: CloudTrailRecord): string {
  if (event.eventName.startsWith('Modify')) return 'made RDS database';
  if (event.eventName.startsWith('Restore')) return 'restored RDS database';
  return 'created RDS database';
}

export const rule: Rule = {
  id: 'rds.instance-made-public',
  title: 'RDS database made publicly accessible',
  description:
    'A successful modification, restore or creation of an RDS instance or cluster with `publiclyAccessible` ' +
    'true: the database gets a public DNS name and address, reachable from the internet wherever its security ' +
    'groups allow. Restoring a snapshot as a public database, or flipping an internal one public, is how an ' +
    'attacker reaches data from outside. Modifications and creations count only when the request asks for ' +
    'public access; restores also when the response shows the new database public (see `makesPublic`).',
  severity: 'high',
  attack: ['T1578', 'T1530'],
  match: {
    eventSource: ['rds.amazonaws.com'],
    eventName: [
      'ModifyDBInstance',
      'ModifyDBCluster',
      'RestoreDBInstanceFromDBSnapshot',
      'RestoreDBInstanceToPointInTime',
      'RestoreDBInstanceFromS3',
      'RestoreDBClusterFromSnapshot',
      'RestoreDBClusterToPointInTime',
      ...CREATES,
    ],
    errorCode: [{ exists: false }],
  },
  predicate: makesPublic,
  summarize: (event) =>
    `${actorLabel(event)} ${verb(event)} ${database(event)}${event.eventName.startsWith('Modify') ? '' : ' as'} ` +
    `publicly accessible${fromSource(event)}.`,
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'The database now has an internet-facing address. Check its security groups: if any allows the database ' +
    'port from `0.0.0.0/0` or unknown ranges, it is reachable now. Ask the owner whether public access was ' +
    'intended (rarely is for production data). Respond: set it private again (`modify-db-instance ' +
    '--no-publicly-accessible --apply-immediately`), review the database’s connection and audit logs for logins ' +
    'from unknown addresses, and for a restore, find which snapshot it came from and who asked for it. ' +
    'Prevent with an SCP or AWS Config rule (`rds-instance-public-access-check`). TrailGuard has no automatic ' +
    'remediation for this rule.',
  falsePositives: [
    'Development databases deliberately reachable from developer machines, restricted by security group.',
    'Vendors’ hosted tools that require a public endpoint, with source addresses restricted.',
  ],
  stratus: [],
  references: {
    panther: ['AWS.RDS.InstanceMadePublic', 'AWS.RDS.PublicRestore'],
    sigma: ['Restore Public AWS RDS Instance'],
  },
};
