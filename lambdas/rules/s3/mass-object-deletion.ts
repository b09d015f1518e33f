import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  fromSource,
  isAwsServiceActor,
  principalKey,
  quarantineActor,
  quoted,
  requestString,
} from '../helpers';

export const rule: Rule = {
  id: 's3.mass-object-deletion',
  title: 'Many S3 object deletions by one principal',
  description:
    'One principal made many successful `DeleteObject` or `DeleteObjects` (batch, up to 1,000 keys each) calls in a ' +
    'short window. Mass deletion, often after versioning was suspended or of every object version, is how S3 data ' +
    'is destroyed or held to ransom once a copy was taken. Deletions by S3 lifecycle rules are not API calls and ' +
    'are not logged; deletions made through AWS services (`invokedBy`) are excluded. Counted per principal ' +
    '(session ARN for roles). Needs S3 data events (write) in the trail.',
  severity: 'high',
  attack: ['T1485', 'T1490'],
  match: {
    eventSource: ['s3.amazonaws.com'],
    eventName: ['DeleteObject', 'DeleteObjects'],
    errorCode: [{ exists: false }],
  },
  predicate: (event: CloudTrailRecord) => !isAwsServiceActor(event),
  threshold: { groupByLabel: 'principal ARN', groupBy: principalKey, count: 50, windowSeconds: 300 },
  summarize: (event) =>
    `${actorLabel(event)} deleted many S3 objects, the latest in bucket ${quoted(requestString(event, 'bucketName'))}` +
    `${fromSource(event)}.`,
  remediation: (event) => quarantineActor(event, 'it deleted S3 objects in bulk'),
  defaultMode: 'alert',
  runbook:
    'Objects are being deleted in bulk. Ask whether a clean-up job or data-retention process runs as this ' +
    'principal. If not, stop it: quarantine the principal (TrailGuard does in `enforce` mode). Then assess what ' +
    'can be recovered: with versioning on, deleted objects only got delete markers (remove them to restore); ' +
    'deletions of specific versions are final, so check replicas, AWS Backup and Object Lock. Look for what ' +
    'preceded it: versioning suspended, lifecycle rules added, data copied out, a ransom note.',
  falsePositives: [
    'Clean-up jobs, retention scripts and CI pipelines that empty buckets of build artifacts.',
    'Engineers emptying a bucket before deleting it (`aws s3 rm --recursive`).',
  ],
  stratus: [],
  references: { panther: ['AWS.S3.DeleteObject', 'AWS.S3.DeleteObjects'], sigma: [] },
};
