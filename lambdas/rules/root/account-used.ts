import type { CloudTrailRecord, Rule } from '../../engine/types';
import { actorLabel, clean, field, fromSource, inRegion, isRecord, noRemediation } from '../helpers';

/** A failed sign-in names root but proves nothing about who holds its credentials; the failure rules count those. */
function isFailedSignIn(event: CloudTrailRecord): boolean {
  if (event.eventSource !== 'signin.amazonaws.com') return false;
  const response = field(event, 'responseElements');
  return isRecord(response) && Object.values(response).some((value) => value === 'Failure');
}

export const rule: Rule = {
  id: 'root.account-used',
  title: 'Root user activity',
  description:
    'The account root user signed in or made an API call. Calls made by AWS services on root’s behalf ' +
    '(`invokedBy`, `AwsServiceEvent`), root’s automatic `CreateServiceLinkedRole` side effects and failed sign-in ' +
    'attempts are excluded. Read-only and failed API calls are included: a valid root credential was used either ' +
    'way. This disagrees on purpose with Panther AWS.Root.Activity, which ignores read-only root calls: listing ' +
    'access keys or users with root credentials is exactly how an attacker holding them starts.',
  severity: 'high',
  attack: ['T1078.004'],
  match: {
    userIdentity: { type: ['Root'], invokedBy: [{ exists: false }] },
    eventType: [{ 'anything-but': ['AwsServiceEvent'] }],
    eventName: [{ 'anything-but': ['CreateServiceLinkedRole'] }],
  },
  predicate: (event) => !isFailedSignIn(event),
  summarize: (event) =>
    `${actorLabel(event)} called ${clean(event.eventSource, 64) ?? 'an unknown service'}:` +
    `${clean(event.eventName, 64) ?? 'an unknown action'}${inRegion(event)}${fromSource(event)}.`,
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
    'A root console session produces many read-only calls: expect one finding per event while the session lasts.',
  ],
  stratus: [],
  references: {
    panther: ['AWS.Root.Activity', 'AWS.Console.RootLogin'],
    sigma: ['AWS Root Credentials'],
    disagreements: [
      {
        panther: 'AWS.Root.Activity',
        test: 'Root Read-Only Enumeration',
        reason: 'read-only calls with root credentials are how an attacker holding them starts',
      },
    ],
  },
};
