import type { CheckResult, Evaluation, PasswordPolicy, PostureSnapshot } from '../types';
import { accountSubject, result } from './support';

/**
 * Runs a password policy facet: `undefined` policy (unreadable) is not evaluated; no policy at all fails every facet,
 * since IAM's built-in default (8 characters, nothing else) meets none of the baselines.
 */
export function evaluatePolicyFacet(
  snapshot: PostureSnapshot,
  facet: (policy: PasswordPolicy) => { passed: boolean; detail: string; value: string },
): Evaluation {
  if (snapshot.passwordPolicy === undefined) {
    return { status: 'not-evaluated', reason: 'the account password policy could not be read' };
  }
  let outcome: CheckResult;
  if (snapshot.passwordPolicy === null) {
    outcome = result(
      accountSubject(snapshot),
      false,
      'the account has no password policy (IAM defaults apply)',
      ['no-policy'],
    );
  } else {
    const { passed, detail, value } = facet(snapshot.passwordPolicy);
    outcome = result(accountSubject(snapshot), passed, detail, [value]);
  }
  return { status: 'evaluated', results: [outcome] };
}

export const POLICY_RUNBOOK_SUFFIX =
  'Change it with aws iam update-account-password-policy (the call replaces the whole policy: pass every setting ' +
  'you want to keep). Existing passwords are checked against the new rules at their next change.';
