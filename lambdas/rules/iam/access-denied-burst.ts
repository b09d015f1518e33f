import type { CloudTrailRecord, Rule } from '../../engine/types';
import { actorLabel, clean, fromSource, stringAt } from '../helpers';

/**
 * Authorization failures as CloudTrail spells them: `AccessDenied` (IAM, S3, STS), `AccessDeniedException` (JSON
 * APIs such as KMS, Lambda, Secrets Manager), `UnauthorizedOperation` / `Client.UnauthorizedOperation` (EC2) and
 * `AuthorizationError` (SNS).
 */
export const ACCESS_DENIED_CODES = [
  { prefix: 'AccessDenied' },
  'UnauthorizedOperation',
  'Client.UnauthorizedOperation',
  'AuthorizationError',
];

/** AWS writes a service's host name (or `AWS Internal`) as the source when a service made the call. */
function fromAwsService(event: CloudTrailRecord): boolean {
  const source = typeof event.sourceIPAddress === 'string' ? event.sourceIPAddress.trim().toLowerCase() : '';
  return source === 'aws internal' || source.endsWith('.amazonaws.com');
}

/** The principal ARN (for roles, the session ARN), else `<account>:<principalId>`. */
export function principalKey(event: CloudTrailRecord): string | undefined {
  const key =
    stringAt(event, 'userIdentity', 'arn') ??
    (() => {
      const id = stringAt(event, 'userIdentity', 'principalId');
      const account = stringAt(event, 'userIdentity', 'accountId') ?? 'unknown-account';
      return id === undefined ? undefined : `${account}:${id}`;
    })();
  return key !== undefined && key.length <= 1024 ? key : undefined;
}

export const rule: Rule = {
  id: 'iam.access-denied-burst',
  title: 'Burst of access-denied errors from one principal',
  description:
    'One principal received many authorization errors (`AccessDenied*`, `UnauthorizedOperation`, ' +
    '`Client.UnauthorizedOperation`, `AuthorizationError`) in a short window: typical of stolen credentials being ' +
    'probed for what they can do, or of enumeration tools. Calls made by AWS services (`AWSService` identities, ' +
    '`invokedBy`, or a service host name / `AWS Internal` as source address) are excluded: AWS sets these fields, ' +
    'the caller cannot. Deliberate differences from Panther: AWS.IAMUser.ReconAccessDenied ignores calls whose ' +
    'user agent looks like the console backend, but the user agent is chosen by the caller, so this rule counts ' +
    'them; AWS.IAMUser.ReconAccessDenied and AWS.CloudTrail.UnauthorizedAPICall both count calls with ' +
    '`invokedBy: signin.amazonaws.com`, which this rule treats as made by an AWS service.',
  severity: 'medium',
  attack: ['T1580', 'T1526', 'T1087.004'],
  match: {
    errorCode: ACCESS_DENIED_CODES,
    userIdentity: { type: [{ 'anything-but': ['AWSService'] }], invokedBy: [{ exists: false }] },
  },
  predicate: (event) => !fromAwsService(event),
  threshold: {
    groupByLabel: 'principal ARN',
    groupBy: principalKey,
    count: 10,
    windowSeconds: 300,
  },
  summarize: (event) =>
    `${actorLabel(event)} was denied ${clean(event.eventSource, 64) ?? 'an unknown service'}:` +
    `${clean(event.eventName, 64) ?? 'an unknown action'} (${clean(event.errorCode, 64) ?? 'access denied'})${fromSource(event)}.`,
  remediation: () => [],
  defaultMode: 'alert',
  runbook:
    'A principal is hitting many permission errors quickly. Look at the denied actions in the finding and in ' +
    'CloudTrail for the same principal: a sweep across many services and read-only actions (List*, Describe*, ' +
    'Get*) is enumeration, typical of stolen keys being tested (tools such as Pacu, enumerate-iam, ScoutSuite); ' +
    'a single action repeated is usually a broken deployment or a missing permission. Check the source IP and ' +
    'user agent against what the principal normally uses, and whether any calls in the same window succeeded. ' +
    'If it looks like probing: deactivate the access key (`UpdateAccessKey`) or revoke the role’s sessions, ' +
    'find where the credentials were exposed, and review what the successful calls did.',
  falsePositives: [
    'Applications or pipelines missing a permission after a policy change (the same action repeated).',
    'Users browsing the console with limited permissions (console pages call many APIs).',
    'Security scanners and inventory tools running with deliberately narrow permissions.',
  ],
  stratus: ['aws.credential-access.ec2-get-password-data', 'aws.discovery.ec2-download-user-data'],
  references: {
    panther: ['AWS.IAMUser.ReconAccessDenied', 'AWS.CloudTrail.UnauthorizedAPICall'],
    sigma: [],
    disagreements: [
      {
        panther: 'AWS.IAMUser.ReconAccessDenied',
        test: 'Unauthorized API Call',
        reason: 'the event carries invokedBy (an AWS service made the call), which TrailGuard excludes',
      },
      {
        panther: 'AWS.CloudTrail.UnauthorizedAPICall',
        test: 'Unauthorized API Call from Within AWS (IP)',
        reason: 'the event carries invokedBy (an AWS service made the call), which TrailGuard excludes',
      },
    ],
  },
};
