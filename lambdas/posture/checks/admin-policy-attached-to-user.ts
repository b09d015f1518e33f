import type { CheckResult, PostureCheck } from '../types';
import { result, userFacts, userSubject } from './support';

/**
 * An IAM user with an administrator policy attached directly: AdministratorAccess, or a customer managed or inline
 * policy allowing every action on every resource. Narrower than CIS 1.15 and Security Hub IAM.2, which fail on any
 * policy attached to a user; this check flags the grants that matter most.
 */
export const adminPolicyAttachedToUser: PostureCheck = {
  id: 'posture.admin-policy-attached-to-user',
  title: 'Administrator policy attached directly to a user',
  description:
    'IAM users must not have administrator policies (AdministratorAccess or "*:*") attached directly; grant ' +
    'permissions through groups or roles.',
  severity: 'high',
  controls: [
    { framework: 'cis-v3.0.0', id: '1.15', partial: true },
    { framework: 'cis-v3.0.0', id: '1.16', partial: true },
    { framework: 'security-hub', id: 'IAM.2', partial: true },
  ],
  // Alert only: detaching admin rights from a person mid-task is an outage; "quarantine nothing by default".
  defaultMode: 'alert',
  runbook:
    'Decide whether the user needs administrator rights at all. If so, move them into an admin group (or, better, ' +
    'an IAM Identity Center permission set) and detach the policy from the user: aws iam detach-user-policy / ' +
    'delete-user-policy. Check CloudTrail for who attached it (AttachUserPolicy, PutUserPolicy).',
  evaluate(snapshot) {
    const results: CheckResult[] = [];
    for (const row of snapshot.users) {
      const detail = snapshot.details.get(row.user);
      // Unread (a gap is reported) or deleted since the report: no verdict.
      if (detail === undefined || detail.gone || detail.adminPolicies === undefined) continue;
      const policies = [...detail.adminPolicies].sort();
      const passed = policies.length === 0;
      results.push(
        result(
          userSubject(row),
          passed,
          passed
            ? 'no administrator policy attached directly'
            : `administrator policy attached directly: ${policies.join(', ')}`,
          [...userFacts(row), ...policies],
        ),
      );
    }
    return { status: 'evaluated', results };
  },
};
