import type { CloudTrailRecord, Rule } from '../../engine/types';
import { accountOf, actorLabel, fromSource, quarantineActor, quoted, requestString } from '../helpers';

const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:(\d{12}):(key|alias)\//;

/** The account owning the KMS key a write asks S3 to encrypt with, when the key is named by ARN. */
export function encryptionKeyAccount(event: CloudTrailRecord): string | undefined {
  const key = requestString(event, 'x-amz-server-side-encryption-aws-kms-key-id');
  return key === undefined ? undefined : KMS_KEY_ARN.exec(key.trim())?.[1];
}

/** True when objects are written encrypted under a KMS key of another account than the one the event is in. */
export function usesForeignKey(event: CloudTrailRecord): boolean {
  const keyAccount = encryptionKeyAccount(event);
  const own = accountOf(event);
  return keyAccount !== undefined && own !== undefined && keyAccount !== own;
}

export const rule: Rule = {
  id: 's3.object-encrypted-with-foreign-key',
  title: 'S3 objects encrypted with another account’s KMS key',
  description:
    'A successful `CopyObject`, `PutObject` or `CreateMultipartUpload` asking S3 to encrypt the object with a KMS ' +
    'key of another AWS account (`x-amz-server-side-encryption-aws-kms-key-id` naming a key ARN whose account is ' +
    'not the event’s). Copying objects onto themselves under an attacker’s key is the S3 ransomware technique: ' +
    'once the attacker revokes the key grant or deletes the key, the data is unreadable. Keys named by id or ' +
    'alias alone belong to the caller’s account and are not counted. Needs S3 data events (write) in the trail.',
  severity: 'high',
  attack: ['T1486'],
  match: {
    eventSource: ['s3.amazonaws.com'],
    eventName: ['CopyObject', 'PutObject', 'CreateMultipartUpload'],
    errorCode: [{ exists: false }],
  },
  predicate: usesForeignKey,
  summarize: (event) =>
    `${actorLabel(event)} wrote object ${quoted(requestString(event, 'key'))} in S3 bucket ` +
    `${quoted(requestString(event, 'bucketName'))} encrypted with a KMS key of account ` +
    `${quoted(encryptionKeyAccount(event))}${fromSource(event)}.`,
  remediation: (event) => quarantineActor(event, 'it re-encrypted S3 objects with a foreign KMS key'),
  defaultMode: 'alert',
  runbook:
    'Objects are being re-encrypted with a key your account does not control: ransomware in progress unless the ' +
    'other account is a known partner or a central key account of your organization. Stop it first: quarantine ' +
    'the principal (TrailGuard does in `enforce` mode) and deny `s3:PutObject` on the bucket to it. Then find the ' +
    'affected objects (S3 data events for the principal, or an S3 Inventory report listing the KMS key), restore ' +
    'previous versions if versioning is on (the old version is still encrypted with your key), and check whether ' +
    'versioning, replication or Object Lock were changed just before. Do not delete the new versions until you ' +
    'know whether the key remains usable.',
  falsePositives: [
    'Organizations that keep KMS keys in a central security account and encrypt workload buckets with them.',
    'Data shared into a partner’s bucket encrypted with the partner’s key.',
  ],
  stratus: [],
  references: { panther: ['AWS.S3.CopyObject.CrossAccount.Encryption.KMS'], sigma: [] },
};
