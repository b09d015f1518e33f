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
  id: 'signin.console-login-failures-per-user',
  title: 'Repeated failed console sign-ins for one user',
  description:
    'Failed AWS console password sign-ins counted per account and user name (the root user counts as `root`): many ' +
    'failures for one user in a window is password guessing or credential stuffing, even when it comes from many ' +
    'addresses. Attempts on user names that do not exist are hidden by CloudTrail ' +
    '(`HIDDEN_DUE_TO_SECURITY_REASONS`) and are not counted here; the per-address rule counts them.',
  severity: 'medium',
  attack: ['T1110.001', 'T1110.004'],
  match: FAILED_CONSOLE_LOGIN,
  threshold: {
    groupByLabel: 'account and user name',
    groupBy: attemptedUserKey,
    count: 5,
    windowSeconds: 600,
  },
  summarize: (event) =>
    `Console sign-in as ${clean(attemptedUserName(event)) ?? 'an unknown or hidden user'} failed${inAccount(event)}${fromSource(event)}.`,
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'Someone is repeatedly failing to sign in as one user. Ask the user whether it was them. Look at the source ' +
    'addresses of the failures: many addresses point to a distributed attack or credential stuffing with a leaked ' +
    'password list. Check whether a success followed (`ConsoleLogin: Success` for the same user): if so, reset ' +
    'the password, deactivate the user’s access keys and review what the session did. Make sure the user has MFA; ' +
    'for root, confirm root MFA is registered and the account email is controlled. Consider whether the user ' +
    'still needs a console password at all (`DeleteLoginProfile`).',
  falsePositives: [
    'A user who forgot their password, or a password manager retrying an old password.',
    'Several people sharing one IAM user (which is itself worth fixing).',
  ],
  stratus: [],
  references: {
    panther: ['AWS.Console.RootLoginFailed'],
    sigma: ['AWS ConsoleLogin Failed Authentication'],
  },
};
