import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  asList,
  field,
  fromSource,
  isAccountId,
  isAwsServiceActor,
  quarantineActor,
  quoted,
  requestString,
  stringAt,
} from '../helpers';

interface BucketResource {
  readonly arn: string;
  readonly accountId: string;
}

/** The S3 buckets in the event's `resources`, with the account CloudTrail says owns each. */
function bucketResources(event: CloudTrailRecord): BucketResource[] {
  return asList(field(event, 'resources'))
    .filter((r) => stringAt(r, 'type') === 'AWS::S3::Bucket')
    .map((r) => ({
      arn: stringAt(r, 'ARN') ?? stringAt(r, 'arn') ?? '',
      accountId: stringAt(r, 'accountId') ?? '',
    }))
    .filter((r) => isAccountId(r.accountId));
}

/**
 * The account owning the destination bucket of a `CopyObject`, when it is not the caller's. The destination is
 * the bucket resource whose ARN names `requestParameters.bucketName`; when no resource names it (anonymised or
 * truncated events), any bucket owned by another account counts, which errs towards alerting.
 */
export function foreignDestinationAccount(event: CloudTrailRecord): string | undefined {
  if (isAwsServiceActor(event)) return undefined;
  const own = stringAt(event, 'userIdentity', 'accountId');
  if (own === undefined) return undefined;
  const buckets = bucketResources(event);
  const destination = requestString(event, 'bucketName');
  const named = buckets.find((b) => destination !== undefined && b.arn.endsWith(`:::${destination}`));
  if (named !== undefined) return named.accountId === own ? undefined : named.accountId;
  return buckets.find((b) => b.accountId !== own)?.accountId;
}

export const rule: Rule = {
  id: 's3.object-copied-to-foreign-bucket',
  title: 'S3 object copied into another account’s bucket',
  description:
    'A successful `CopyObject` whose destination bucket belongs to another AWS account than the caller’s, ' +
    'according to the bucket owners CloudTrail records in the event’s `resources`. Server-side copies move data ' +
    'out of the account without it ever passing through the attacker’s network, which makes them a quiet ' +
    'exfiltration path. Needs S3 data events in the trail; events without bucket owners are not judged.',
  severity: 'high',
  attack: ['T1537'],
  match: {
    eventSource: ['s3.amazonaws.com'],
    eventName: ['CopyObject'],
    errorCode: [{ exists: false }],
  },
  predicate: (event) => foreignDestinationAccount(event) !== undefined,
  summarize: (event) =>
    `${actorLabel(event)} copied ${quoted(requestString(event, 'x-amz-copy-source'))} into bucket ` +
    `${quoted(requestString(event, 'bucketName'))} of account ${quoted(foreignDestinationAccount(event))}` +
    `${fromSource(event)}.`,
  remediation: (event) => quarantineActor(event, 'it copied S3 data into another account'),
  defaultMode: 'alert',
  runbook:
    'Data left the account through a server-side copy. Identify the destination account: is it one of your ' +
    'organization’s accounts or a known partner? If not, treat it as exfiltration: quarantine the principal ' +
    '(TrailGuard does in `enforce` mode), list everything it copied (S3 data events, `CopyObject` and ' +
    '`UploadPartCopy`), and assess the data exposed. Prevent with bucket policies or an SCP using ' +
    '`s3:ResourceAccount` / `aws:ResourceOrgID` to restrict where principals can write.',
  falsePositives: [
    'Replication or backup jobs copying into buckets of the organization’s backup or data-lake accounts.',
    'Deliveries of data to partners’ buckets by design.',
  ],
  stratus: [],
  references: { panther: ['AWS.S3.CopyObjectToExternalAccountBucket'], sigma: [] },
};
