import type { Rule } from '../../engine/types';
import {
  attemptedUserKey,
  attemptedUserName,
  clean,
  FAILED_CONSOLE_LOGIN,
  fromSource,
  inAccount,
  noRemediation,
} from '../helpers';

export const rule: Rule = {
  id: 'signin.console-mfa-failures',
  title: 'Repeated console sign-in failures at the MFA step',
  description:
    'Failed console sign-ins where MFA was presented (`ConsoleLogin: Failure` with ' +
    '`additionalEventData.MFAUsed: Yes`), counted per account and user: the password was accepted and the second ' +
    'factor was not, so someone who is not the user may know the password. Attempts on hidden (non-existent) ' +
    'user names cannot be attributed to a user and are not counted.',
  severity: 'high',
  attack: ['T1110.001', 'T1621'],
  match: { ...FAILED_CONSOLE_LOGIN, additionalEventData: { MFAUsed: ['Yes'] } },
  threshold: {
    groupByLabel: 'account and user name',
    groupBy: attemptedUserKey,
    count: 2,
    windowSeconds: 900,
  },
  summarize: (event) =>
    `Console sign-in as ${clean(attemptedUserName(event)) ?? 'an unknown user'} failed at the MFA step` +
    `${inAccount(event)}${fromSource(event)}.`,
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'The sign-in passed the password check and failed the MFA check more than once. Either the user is fumbling ' +
    'with an authenticator, or someone else has the password and is trying to get past MFA (guessing codes, or ' +
    'prompting the user to approve). Call the user: did they just try to sign in, from this address? If not, the ' +
    'password is compromised: reset it (`UpdateLoginProfile` with a reset required), check the user’s MFA ' +
    'devices for unexpected additions (`EnableMFADevice`, `CreateVirtualMFADevice`), deactivate and rotate the ' +
    'user’s access keys if the password was reused anywhere, and look for a later successful `ConsoleLogin` from ' +
    'the same address.',
  falsePositives: [
    'A user mistyping an authenticator code twice, or a clock-skewed TOTP device.',
    'A hardware key that is not recognised by the browser, retried a few times.',
  ],
  stratus: [],
  references: {
    panther: ['AWS.Unsuccessful.MFA.attempt'],
    sigma: [],
  },
};
