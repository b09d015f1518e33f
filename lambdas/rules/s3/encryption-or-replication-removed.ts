import type { Rule } from '../../engine/types';
import { actorLabel, fromSource, isAwsServiceActor, noRemediation, quoted, requestString } from '../helpers';

export const rule: Rule = {
  id: 's3.encryption-or-replication-removed',
  title: 'S3 default encryption or replication removed',
  description:
    'A successful `DeleteBucketEncryption` or `DeleteBucketReplication`. Removing a bucket’s default encryption ' +
    'configuration drops a customer managed KMS key (new objects fall back to S3-managed keys, so reading them ' +
    'no longer needs `kms:Decrypt`, a second control); removing replication stops the copy kept in another ' +
    'bucket or region, often the backup that survives a ransom or deletion.',
  severity: 'low',
  attack: ['T1490', 'T1562'],
  match: {
    eventSource: ['s3.amazonaws.com'],
    eventName: ['DeleteBucketEncryption', 'DeleteBucketReplication'],
    errorCode: [{ exists: false }],
  },
  predicate: (event) => !isAwsServiceActor(event),
  summarize: (event) =>
    `${actorLabel(event)} removed the ${event.eventName === 'DeleteBucketEncryption' ? 'default encryption' : 'replication'} ` +
    `configuration of S3 bucket ${quoted(requestString(event, 'bucketName'))}${fromSource(event)}.`,
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'A protection of the bucket’s data was removed. For encryption: check which key was configured before ' +
    '(infrastructure-as-code, AWS Config history) and restore it (`put-bucket-encryption`); objects written in ' +
    'between are encrypted with S3-managed keys. For replication: restore the configuration ' +
    '(`put-bucket-replication`) and check the destination still holds the copies. Ask the owner whether it was ' +
    'planned; if not, review what the principal did next to the bucket (deletes, overwrites, versioning ' +
    'changes) and quarantine it. TrailGuard has no automatic remediation for this rule.',
  falsePositives: [
    'Switching a bucket from a customer managed key back to S3-managed encryption on purpose.',
    'Reconfiguring replication (delete, then put a new configuration) from infrastructure-as-code.',
  ],
  stratus: [],
  references: { panther: ['AWS.S3.DeleteBucketEncryption', 'AWS.S3.DeleteBucketReplication'], sigma: [] },
};
