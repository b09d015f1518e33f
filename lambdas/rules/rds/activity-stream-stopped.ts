import type { Rule } from '../../engine/types';
import {
  actorLabel,
  fromSource,
  isAwsServiceActor,
  quarantineActor,
  quoted,
  requestString,
} from '../helpers';

export const rule: Rule = {
  id: 'rds.activity-stream-stopped',
  title: 'RDS database activity stream stopped',
  description:
    'A successful `StopActivityStream`. Database activity streams push every database session and query of an ' +
    'Aurora cluster or RDS instance to Kinesis, outside the control of database administrators, for compliance ' +
    'and monitoring tools; stopping one blinds that audit before the data is touched.',
  severity: 'high',
  attack: ['T1562.008'],
  match: {
    eventSource: ['rds.amazonaws.com'],
    eventName: ['StopActivityStream'],
    errorCode: [{ exists: false }],
  },
  predicate: (event) => !isAwsServiceActor(event),
  summarize: (event) =>
    `${actorLabel(event)} stopped the database activity stream of ${quoted(requestString(event, 'resourceArn'))}` +
    `${fromSource(event)}.`,
  remediation: (event) => quarantineActor(event, 'it stopped a database activity stream'),
  defaultMode: 'alert',
  runbook:
    'Database activity is no longer streamed for audit. Confirm with the database and compliance owners whether ' +
    'it was planned (maintenance, cost). If not: restart it (`start-activity-stream` with the same KMS key and ' +
    'mode), review the database’s own logs for what ran after the stop, and treat the principal as compromised ' +
    '(TrailGuard quarantines it in `enforce` mode). Restrict `rds:StopActivityStream` to a break-glass role.',
  falsePositives: [
    'Database maintenance or engine upgrades that require stopping the stream.',
    'Turning activity streams off in non-production to save cost.',
  ],
  stratus: [],
  references: { panther: ['AWS.RDS.ActivityStreamStopped'], sigma: [] },
};
