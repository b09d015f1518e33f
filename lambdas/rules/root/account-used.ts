import type { CloudTrailRecord, EventPattern, Rule } from '../../engine/types';
import { actorLabel, clean, field, fromSource, inRegion, isRecord, noRemediation } from '../helpers';

/**
 * Root acting for itself: not a call an AWS service made on root’s behalf (`invokedBy`, `AwsServiceEvent`), nor
 * root’s automatic `CreateServiceLinkedRole` side effects. Shared with `root.read-only-activity`.
 */
export const ROOT_ACTIVITY: EventPattern = {
  userIdentity: { type: ['Root'], invokedBy: [{ exists: false }] },
  eventType: [{ 'anything-but': ['AwsServiceEvent'] }],
  eventName: [{ 'anything-but': ['CreateServiceLinkedRole'] }],
};

/** A failed sign-in names root but proves nothing about who holds its credentials; the failure rules count those. */
export function isFailedSignIn(event: CloudTrailRecord): boolean {
  if (event.eventSource !== 'signin.amazonaws.com') return false;
  const response = field(event, 'responseElements');
  return isRecord(response) && Object.values(response).some((value) => value === 'Failure');
}

/**
 * CloudTrail marks read-only calls (`Describe*`, `Get*`, `List*`, ...) with `readOnly: true`. A record without the
 * field (sign-in events of some sources, older or hand-written records) is not read-only.
 */
export function isReadOnlyCall(event: CloudTrailRecord): boolean {
  return event.readOnly === true;
}

/**
 * A call signed with one of root's long-term access keys (`AKIA…`) rather than a console session's temporary
 * credentials (`ASIA…`). Root should have no access keys at all (CIS 1.4), so any use of one, reading included,
 * is reported at high severity.
 */
export function usesRootAccessKey(event: CloudTrailRecord): boolean {
  const key = event.userIdentity?.accessKeyId;
  return typeof key === 'string' && /^AKIA[A-Z0-9]{12,}$/.test(key);
}

/** "The root user in account 1... called iam.amazonaws.com:ListAccessKeys in us-east-1 from 203.0.113.77." */
export function summarizeRootCall(event: CloudTrailRecord): string {
  return (
    `${actorLabel(event)} called ${clean(event.eventSource, 64) ?? 'an unknown service'}:` +
    `${clean(event.eventName, 64) ?? 'an unknown action'}${inRegion(event)}${fromSource(event)}.`
  );
}

export const rule: Rule = {
  id: 'root.account-used',
  title: 'Root user activity',
  description:
    'The account root user signed in, made a call that is not read-only (`readOnly` is not `true`; a record ' +
    'without the field counts), or made any call with a root access key (`AKIA…`: root should have none, CIS ' +
    '1.4). Calls made by AWS services on root’s behalf (`invokedBy`, `AwsServiceEvent`), ' +
    'root’s automatic `CreateServiceLinkedRole` side effects and failed sign-in attempts are excluded. Failed ' +
    'write calls are included: a valid root credential was used either way. Root’s read-only calls are ' +
    '`root.read-only-activity` (medium) unless signed with a root access key: a root console session produces many of them (every page load lists or ' +
    'describes something), so they stay visible without each one raising a high finding, and the sign-in that ' +
    'opened the session is already reported here. The alerter aggregates repeats of a rule for the same principal, ' +
    'so a session’s writes reach you as one alert and a digest.',
  severity: 'high',
  attack: ['T1078.004'],
  match: ROOT_ACTIVITY,
  predicate: (event) => (!isReadOnlyCall(event) || usesRootAccessKey(event)) && !isFailedSignIn(event),
  summarize: summarizeRootCall,
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'The root user bypasses every IAM policy and most guardrails, so day-to-day work should never use it; AWS ' +
    'lists only a handful of tasks that require it (closing the account, changing the support plan, restoring ' +
    'IAM administrator access, some billing settings). Confirm with the named owner of the root credentials ' +
    'that they performed this, and why, before anything else. Investigate: pull every event with ' +
    '`userIdentity.type = Root` in the surrounding hours across all regions, check the source IP and user agent ' +
    'against the owner’s usual ones, and look for `CreateAccessKey` by root, MFA device changes ' +
    '(`DeactivateMFADevice`, `CreateVirtualMFADevice`), password or email changes and new IAM principals. ' +
    'If the activity is not accounted for: treat the account as compromised, reset the root password, rotate or ' +
    'remove its MFA devices and re-register them, delete any root access keys, verify the account email address ' +
    'and contact details have not been changed, and review everything root created. TrailGuard never remediates ' +
    'root: it cannot be contained by IAM, and only its owner can recover it.',
  falsePositives: [
    'Sanctioned break-glass or billing tasks that genuinely require root (document them with a change ticket).',
    'A root console session that changes things produces one finding per write; the alerter sends the first and ' +
      'aggregates the repeats for the same principal into a digest.',
  ],
  stratus: [],
  references: {
    panther: ['AWS.Root.Activity', 'AWS.Console.RootLogin'],
    sigma: ['AWS Root Credentials'],
  },
};
