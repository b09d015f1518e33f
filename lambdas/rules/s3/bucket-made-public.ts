import type { CloudTrailRecord, RemediationStep, Rule } from '../../engine/types';
import {
  actorLabel,
  asList,
  clean,
  field,
  fromSource,
  isAwsServiceActor,
  isRecord,
  MAX_ITEMS,
  quoted,
  regionOf,
  requestString,
} from '../helpers';
import { publicStatements } from '../policy-document';

/** S3's predefined groups: everyone on the internet, and everyone with any AWS account. */
const PUBLIC_GROUP = /acs\.amazonaws\.com\/groups\/global\/(AllUsers|AuthenticatedUsers)/i;
const PUBLIC_CANNED_ACLS = ['public-read', 'public-read-write', 'authenticated-read'];
const GRANT_HEADERS = [
  'x-amz-grant-read',
  'x-amz-grant-write',
  'x-amz-grant-read-acp',
  'x-amz-grant-write-acp',
  'x-amz-grant-full-control',
];
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function mentionsPublicGroup(value: unknown): boolean {
  return asList(value).some((v) => typeof v === 'string' && v.length <= 4096 && PUBLIC_GROUP.test(v));
}

/**
 * The ways a `PutBucketAcl` request grants access to `AllUsers` or `AuthenticatedUsers`: a canned ACL
 * (`x-amz-acl: public-read`, `public-read-write`, `authenticated-read`), a grant header (`x-amz-grant-*:
 * uri=...AllUsers`), or a grant in the XML body (`AccessControlPolicy.AccessControlList.Grant[].Grantee.URI`).
 */
export function publicAclGrants(event: CloudTrailRecord): string[] {
  const request = field(event, 'requestParameters');
  const found: string[] = [];
  for (const acl of asList(field(request, 'x-amz-acl'))) {
    const canned = typeof acl === 'string' ? acl.trim().toLowerCase() : '';
    if (PUBLIC_CANNED_ACLS.includes(canned)) found.push(canned);
  }
  for (const header of GRANT_HEADERS) {
    if (mentionsPublicGroup(field(request, header))) found.push(header.replace('x-amz-grant-', ''));
  }
  const grants = asList(field(request, 'AccessControlPolicy', 'AccessControlList', 'Grant')).slice(
    0,
    MAX_ITEMS,
  );
  for (const grant of grants) {
    if (!isRecord(grant) || !mentionsPublicGroup(field(grant, 'Grantee', 'URI'))) continue;
    found.push(clean(grant.Permission, 32) ?? 'grant');
  }
  return found;
}

export function makesBucketPublic(event: CloudTrailRecord): boolean {
  if (isAwsServiceActor(event)) return false;
  if (event.eventName === 'PutBucketPolicy') {
    return publicStatements(field(event, 'requestParameters', 'bucketPolicy')).length > 0;
  }
  return publicAclGrants(event).length > 0;
}

function how(event: CloudTrailRecord): string {
  if (event.eventName === 'PutBucketPolicy') {
    const n = publicStatements(field(event, 'requestParameters', 'bucketPolicy')).length;
    return `a bucket policy with ${n} statement${n === 1 ? '' : 's'} allowing anyone (Principal "*") without a restricting condition`;
  }
  return `an ACL granting public access (${publicAclGrants(event).slice(0, 3).join(', ')})`;
}

function blockStep(event: CloudTrailRecord): RemediationStep[] {
  const bucket = requestString(event, 'bucketName');
  const region = regionOf(event);
  if (bucket === undefined || !BUCKET.test(bucket) || region === undefined) return [];
  return [
    {
      action: 's3.put-public-access-block',
      params: { bucket, region },
      description: `Turn all four S3 Block Public Access flags on for bucket ${bucket}, which neutralises public policies and ACLs.`,
    },
  ];
}

export const rule: Rule = {
  id: 's3.bucket-made-public',
  title: 'S3 bucket made public by policy or ACL',
  description:
    'A successful `PutBucketPolicy` with a statement that allows everyone (`Principal: "*"` or `{"AWS": "*"}`, or ' +
    'any `NotPrincipal`) and no condition restricting it to known callers or networks (`aws:SourceIp`, ' +
    '`aws:SourceVpc(e)`, `aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:SourceArn`, ... with concrete ' +
    'values), or a successful `PutBucketAcl` granting access to `AllUsers` or `AuthenticatedUsers` (any AWS ' +
    'account holder) through a canned ACL, a grant header or the ACL body. Block Public Access, where on, makes ' +
    'such a change fail or have no effect; a finding therefore also means it was off for this bucket.',
  severity: 'high',
  attack: ['T1530'],
  match: {
    eventSource: ['s3.amazonaws.com'],
    eventName: ['PutBucketPolicy', 'PutBucketAcl'],
    errorCode: [{ exists: false }],
  },
  predicate: makesBucketPublic,
  summarize: (event) =>
    `${actorLabel(event)} made S3 bucket ${quoted(requestString(event, 'bucketName'))} public with ${how(event)}` +
    `${fromSource(event)}.`,
  remediation: blockStep,
  defaultMode: 'alert',
  runbook:
    'Objects in the bucket may now be readable (or writable) by anyone. Read the policy or ACL in the finding: ' +
    'which actions and prefixes are open. Ask the owner whether the bucket is meant to be public (static website, ' +
    'public dataset); such buckets should be documented and are better served through CloudFront with origin ' +
    'access control. If not: turn S3 Block Public Access on for the bucket (`put-public-access-block`; TrailGuard ' +
    'does this in `enforce` mode, undo restores the previous setting), remove the public statement or grant, and ' +
    'check S3 server access logs or data events for anonymous reads since the change. Review what else the ' +
    'principal changed (Block Public Access removed just before is the usual sequence).',
  falsePositives: [
    'Static website and public dataset buckets whose policy deliberately allows s3:GetObject to everyone.',
    'Policies restricted by conditions this rule does not recognise (custom keys, aws:Referer), counted as public.',
  ],
  stratus: [],
  references: { panther: [], sigma: [] },
};
