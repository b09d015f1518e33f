import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  accountOf,
  actorLabel,
  boolOf,
  clean,
  field,
  fromSource,
  isRecord,
  putPublicAccessBlockSteps,
  quoted,
  requestString,
} from '../helpers';

export const PUBLIC_ACCESS_BLOCK_FLAGS = [
  'BlockPublicAcls',
  'IgnorePublicAcls',
  'BlockPublicPolicy',
  'RestrictPublicBuckets',
] as const;

const BUCKET_EVENTS = ['DeleteBucketPublicAccessBlock', 'PutBucketPublicAccessBlock'];
const DELETE_EVENTS = ['DeleteBucketPublicAccessBlock', 'DeleteAccountPublicAccessBlock'];

/** The `PublicAccessBlockConfiguration` object of a Put request (key matched case-insensitively). */
function configuration(event: CloudTrailRecord): Record<string, unknown> | undefined {
  const request = field(event, 'requestParameters');
  if (!isRecord(request)) return undefined;
  const key = Object.keys(request).find((k) => k.toLowerCase() === 'publicaccessblockconfiguration');
  const value = key === undefined ? undefined : request[key];
  return isRecord(value) ? value : undefined;
}

/** The flags a Put request leaves off. A flag the request omits is off: the API defaults each to false. */
export function flagsTurnedOff(event: CloudTrailRecord): string[] | undefined {
  const config = configuration(event);
  if (config === undefined) return undefined;
  return PUBLIC_ACCESS_BLOCK_FLAGS.filter((flag) => boolOf(config[flag]) !== true);
}

/**
 * Deletes always weaken the block. A Put weakens it when any of the four flags is left off: the event does not
 * carry the previous setting, but a configuration with a flag off lets that kind of public access through, which
 * is what this rule watches for. A Put whose configuration cannot be read is not judged.
 */
export function weakensPublicAccessBlock(event: CloudTrailRecord): boolean {
  if (DELETE_EVENTS.includes(event.eventName)) return true;
  const off = flagsTurnedOff(event);
  return off !== undefined && off.length > 0;
}

function scope(event: CloudTrailRecord): string {
  if (BUCKET_EVENTS.includes(event.eventName)) return `bucket ${quoted(requestString(event, 'bucketName'))}`;
  const account = clean(accountOf(event), 32);
  return account === undefined ? 'the whole account' : `the whole account ${account}`;
}

export const rule: Rule = {
  id: 's3.public-access-block-deleted',
  title: 'S3 Block Public Access removed or weakened',
  description:
    'A successful call removed or weakened S3 Block Public Access, for one bucket ' +
    '(`DeleteBucketPublicAccessBlock`, `PutBucketPublicAccessBlock`) or for the whole account (the S3 Control ' +
    '`DeletePublicAccessBlock` / `PutPublicAccessBlock`, logged as `DeleteAccountPublicAccessBlock` / ' +
    '`PutAccountPublicAccessBlock`). A Put counts when any of `BlockPublicAcls`, `IgnorePublicAcls`, ' +
    '`BlockPublicPolicy`, `RestrictPublicBuckets` is false or missing (missing means false in the API): setting ' +
    'one flag off is as good as deleting that protection, and an attacker will set them off rather than delete ' +
    'when deletes are watched. Removing the block is the step before a bucket policy or ACL makes data public.',
  severity: 'high',
  attack: ['T1562', 'T1530'],
  match: {
    eventSource: ['s3.amazonaws.com'],
    eventName: [
      'DeleteBucketPublicAccessBlock',
      'PutBucketPublicAccessBlock',
      'DeleteAccountPublicAccessBlock',
      'PutAccountPublicAccessBlock',
    ],
    errorCode: [{ exists: false }],
  },
  predicate: weakensPublicAccessBlock,
  summarize: (event) => {
    if (DELETE_EVENTS.includes(event.eventName)) {
      return `${actorLabel(event)} removed S3 Block Public Access from ${scope(event)}${fromSource(event)}.`;
    }
    const off = flagsTurnedOff(event) ?? [];
    return (
      `${actorLabel(event)} turned off S3 Block Public Access ${off.length > 0 ? off.join(', ') : 'protections'} ` +
      `for ${scope(event)}${fromSource(event)}.`
    );
  },
  /*
   * Turn all four flags back on for the bucket. The account-wide setting (S3 Control) is not restored
   * automatically: the runbook covers it.
   */
  remediation: putPublicAccessBlockSteps,
  defaultMode: 'alert',
  runbook:
    'S3 Block Public Access is the backstop that keeps a bad bucket policy or ACL from making data public. Find ' +
    'out who removed it and why; public website or open-data buckets are the usual legitimate reason and should ' +
    'be documented. Investigate what followed on the same bucket (or, for the account-wide setting, any bucket): ' +
    '`PutBucketPolicy`, `PutBucketAcl`, `PutObjectAcl` granting `AllUsers` / `AuthenticatedUsers` or a `*` ' +
    'principal, and data events showing anonymous reads. Respond: restore all four flags ' +
    '(`PutPublicAccessBlock` with every flag true, at the account level wherever possible), remove any public ' +
    'policy or ACL added meanwhile, and protect the account-level setting with an SCP that denies ' +
    '`s3:PutAccountPublicAccessBlock` outside a break-glass role.',
  falsePositives: [
    'Buckets that are meant to be public (static websites, open datasets, public artifacts).',
    'Infrastructure-as-code creating a bucket with a partial block (for example only BlockPublicAcls).',
  ],
  stratus: [],
  references: { panther: ['AWS.S3.DeletePublicAccessBlock'], sigma: [] },
};
