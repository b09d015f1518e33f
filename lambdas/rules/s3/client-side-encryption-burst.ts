import type { CloudTrailRecord, Rule } from '../../engine/types';
import { actorLabel, fromSource, principalKey, quarantineActor, quoted, requestString } from '../helpers';

/** SSE-C: the caller supplies the encryption key in the request, so only the caller can read the object back. */
export function usesCustomerKey(event: CloudTrailRecord): boolean {
  return requestString(event, 'x-amz-server-side-encryption-customer-algorithm') !== undefined;
}

export const rule: Rule = {
  id: 's3.client-side-encryption-burst',
  title: 'Many S3 objects rewritten with a caller-supplied key',
  description:
    'One principal wrote many objects with server-side encryption using customer-provided keys (SSE-C: ' +
    '`x-amz-server-side-encryption-customer-algorithm` in a `CopyObject`, `PutObject` or ' +
    '`CreateMultipartUpload`) in a short window. With SSE-C, AWS keeps no copy of the key: copying a bucket’s ' +
    'objects onto themselves this way leaves them readable only by whoever holds the key, the ransomware ' +
    'technique seen against S3 in 2025. Copies made by S3 Batch Operations on a principal’s behalf count too: ' +
    'a batch job is the fastest way to do it. Counted per principal (session ARN for roles). Needs S3 data ' +
    'events (write) in the trail.',
  severity: 'high',
  attack: ['T1486'],
  match: {
    eventSource: ['s3.amazonaws.com'],
    eventName: ['CopyObject', 'PutObject', 'CreateMultipartUpload'],
    errorCode: [{ exists: false }],
  },
  predicate: usesCustomerKey,
  threshold: { groupByLabel: 'principal ARN', groupBy: principalKey, count: 20, windowSeconds: 300 },
  summarize: (event) =>
    `${actorLabel(event)} rewrote many S3 objects with a key only the caller holds (SSE-C), the latest ` +
    `${quoted(requestString(event, 'key'))} in bucket ${quoted(requestString(event, 'bucketName'))}${fromSource(event)}.`,
  remediation: (event) => quarantineActor(event, 'it mass-encrypted S3 objects with its own key'),
  defaultMode: 'alert',
  runbook:
    'Objects are being re-encrypted with a key AWS does not have: treat it as ransomware unless an application is ' +
    'known to use SSE-C. Stop the principal first (quarantine; TrailGuard does in `enforce` mode), then block ' +
    'SSE-C writes on the bucket with a policy denying `s3:PutObject` when ' +
    '`s3:x-amz-server-side-encryption-customer-algorithm` is present. Restore previous object versions if ' +
    'versioning is on, and check for deletions of old versions, lifecycle rules and ransom notes by the same ' +
    'principal.',
  falsePositives: [
    'Applications that deliberately use SSE-C for their own objects (rare; usually a known bucket and role).',
    'Migrations that copy SSE-C objects between buckets.',
  ],
  stratus: [],
  references: { panther: ['AWS.S3.CopyObjectWithClientSideEncryption'], sigma: [] },
};
