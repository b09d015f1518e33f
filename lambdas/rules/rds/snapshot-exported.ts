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
  id: 'rds.snapshot-exported',
  title: 'RDS snapshot exported to S3',
  description:
    'A successful `StartExportTask`: RDS writes the contents of a snapshot (or cluster) to an S3 bucket as ' +
    'Parquet files, table by table. It is the simplest way to take a database’s data out through S3, where it ' +
    'can be read, copied or made public with S3 permissions alone. The event names the bucket but not its ' +
    'owner, so every export counts.',
  severity: 'medium',
  attack: ['T1537', 'T1530'],
  match: {
    eventSource: ['rds.amazonaws.com'],
    eventName: ['StartExportTask'],
    errorCode: [{ exists: false }],
  },
  predicate: (event) => !isAwsServiceActor(event),
  summarize: (event) =>
    `${actorLabel(event)} exported RDS snapshot ${quoted(requestString(event, 'sourceArn'))} to S3 bucket ` +
    `${quoted(requestString(event, 's3BucketName'))}${fromSource(event)}.`,
  remediation: (event) => quarantineActor(event, 'it exported a database snapshot to S3'),
  defaultMode: 'alert',
  runbook:
    'A database’s data is being written to S3. Check the bucket (`s3BucketName`): is it yours, in which account ' +
    '(`get-bucket-acl` / the bucket owner), is it public or shared, who can read the prefix? Ask the data owner ' +
    'whether the export was planned (analytics pipelines do this). If not: cancel the task ' +
    '(`cancel-export-task --export-task-identifier`), delete or lock down the exported objects, and treat the ' +
    'principal as compromised (TrailGuard quarantines it in `enforce` mode); review who read the objects (S3 ' +
    'data events) if the export completed.',
  falsePositives: [
    'Analytics or data-lake pipelines exporting snapshots to S3 on a schedule.',
    'One-off exports for migrations or audits.',
  ],
  stratus: [],
  references: { panther: ['AWS.RDS.SnapshotExport'], sigma: [] },
};
