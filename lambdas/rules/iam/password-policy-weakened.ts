import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  boolOf,
  field,
  fromSource,
  inAccount,
  isAwsServicePrincipal,
  noRemediation,
} from '../helpers';

/** CIS AWS Foundations Benchmark: at least 14 characters, and the last 24 passwords cannot be reused. */
export const BASELINE = { minimumPasswordLength: 14, passwordReusePrevention: 24 } as const;

/** A whole number from a request field that SDKs log as a number or a numeric string; absent or odd: `undefined`. */
function wholeNumber(event: CloudTrailRecord, name: string): number | undefined {
  const value = field(event, 'requestParameters', name);
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d{1,6}$/.test(value)
        ? Number(value)
        : NaN;
  return Number.isInteger(n) ? n : undefined;
}

/**
 * What falls short of the baseline in an `UpdateAccountPasswordPolicy` request. The call replaces the whole policy:
 * a setting left out of the request takes IAM's default (6 characters, reuse allowed, no character classes).
 */
export function weaknesses(event: CloudTrailRecord): string[] {
  if (event.eventName === 'DeleteAccountPasswordPolicy') return ['policy deleted'];
  const found: string[] = [];
  const length = wholeNumber(event, 'minimumPasswordLength') ?? 6;
  if (length < BASELINE.minimumPasswordLength) found.push(`minimum length ${length}`);
  const reuse = wholeNumber(event, 'passwordReusePrevention') ?? 0;
  if (reuse < BASELINE.passwordReusePrevention)
    found.push(reuse === 0 ? 'reuse allowed' : `reuse prevention ${reuse}`);
  return found;
}

export const rule: Rule = {
  id: 'iam.password-policy-weakened',
  title: 'Account password policy deleted or below baseline',
  description:
    'The account password policy was deleted (`DeleteAccountPasswordPolicy`), or replaced ' +
    '(`UpdateAccountPasswordPolicy`) by one below the CIS AWS Foundations baseline: minimum length under 14 ' +
    'characters or fewer than 24 remembered passwords. The update call replaces the whole policy and settings left ' +
    'out take IAM’s weak defaults, so a request that omits them counts as weak. One event cannot show the ' +
    'previous policy: a policy that was already below the baseline is reported each time it is rewritten. ' +
    'Failed calls and calls by AWS service principals are excluded.',
  severity: 'medium',
  attack: ['T1556', 'T1201'],
  match: {
    eventSource: ['iam.amazonaws.com'],
    eventName: ['DeleteAccountPasswordPolicy', 'UpdateAccountPasswordPolicy'],
    errorCode: [{ exists: false }],
  },
  predicate: (event) => !isAwsServicePrincipal(event) && weaknesses(event).length > 0,
  summarize: (event) => {
    const found = weaknesses(event);
    if (found[0] === 'policy deleted')
      return `${actorLabel(event)} deleted the account password policy${inAccount(event)}${fromSource(event)}.`;
    const symbols =
      boolOf(field(event, 'requestParameters', 'requireSymbols')) === true ? '' : ', no symbols required';
    return (
      `${actorLabel(event)} set a weak account password policy (${found.join(', ')}${symbols})` +
      `${inAccount(event)}${fromSource(event)}.`
    );
  },
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'A weaker password policy makes IAM user passwords easier to guess or spray, and lets users go back to a ' +
    'leaked password. Attackers weaken it before setting an easy password on a backdoor user. Check who acted and ' +
    'whether a change was planned; compare with the policy your baseline requires (`aws iam ' +
    'get-account-password-policy`). Look for password changes right after (`CreateLoginProfile`, ' +
    '`UpdateLoginProfile`, `ChangePassword`), which would have been refused before. Respond: restore the policy ' +
    '(`aws iam update-account-password-policy --minimum-password-length 14 --password-reuse-prevention 24 ' +
    '--require-symbols --require-numbers --require-uppercase-characters --require-lowercase-characters`), and ' +
    'require a password reset for users whose password was set in between.',
  falsePositives: [
    'Accounts whose documented policy is deliberately below the CIS baseline: every rewrite is reported.',
    'Accounts without IAM users (Identity Center only), where the password policy does not matter.',
  ],
  stratus: [],
  references: { panther: [], sigma: [] },
};
