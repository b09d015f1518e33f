import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  field,
  fromSource,
  isAwsServiceActor,
  noRemediation,
  quoted,
  requestString,
} from '../helpers';

/** CloudTrail masks the value (`****`) but keeps the key when a modification sets a new master password. */
export function resetsMasterPassword(event: CloudTrailRecord): boolean {
  return !isAwsServiceActor(event) && field(event, 'requestParameters', 'masterUserPassword') !== undefined;
}

export const rule: Rule = {
  id: 'rds.master-password-reset',
  title: 'RDS master user password changed',
  description:
    'A successful `ModifyDBInstance` or `ModifyDBCluster` that sets a new master user password. Anyone with ' +
    '`rds:ModifyDB*` can take over the database’s most privileged login this way, without knowing the old ' +
    'password, and then read or change all of its data; applications using the old password break. Switching ' +
    'to a password managed in Secrets Manager (`manageMasterUserPassword`) is not counted.',
  severity: 'medium',
  attack: ['T1098'],
  match: {
    eventSource: ['rds.amazonaws.com'],
    eventName: ['ModifyDBInstance', 'ModifyDBCluster'],
    errorCode: [{ exists: false }],
  },
  predicate: resetsMasterPassword,
  summarize: (event) =>
    `${actorLabel(event)} set a new master password on RDS database ` +
    `${quoted(requestString(event, 'dBInstanceIdentifier') ?? requestString(event, 'dBClusterIdentifier'))}` +
    `${fromSource(event)}.`,
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'Whoever made this call now knows the database’s master password. Ask the database owner whether it was a ' +
    'planned rotation. If not: set a new password yourself (better: `--manage-master-user-password` so Secrets ' +
    'Manager holds it), check the database’s connection logs for logins as the master user since the change, ' +
    'and review whether the database was also made public or its security groups opened. Quarantine the ' +
    'principal if the change was not planned. TrailGuard has no automatic remediation for this rule.',
  falsePositives: [
    'Planned manual password rotations by database administrators.',
    'Recovery of a lost master password by the database owner.',
  ],
  stratus: [],
  references: { panther: ['AWS.RDS.MasterPasswordUpdated'], sigma: ['AWS RDS Master Password Change'] },
};
