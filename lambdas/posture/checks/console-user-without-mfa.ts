import type { PostureCheck } from '../types';
import { result, userFacts, userSubject } from './support';

/** A user who can sign in to the console with a password alone. */
export const consoleUserWithoutMfa: PostureCheck = {
  id: 'posture.console-user-without-mfa',
  title: 'Console user without MFA',
  description: 'Every IAM user with a console password must have an MFA device.',
  severity: 'medium',
  controls: [
    { framework: 'cis-v3.0.0', id: '1.10' },
    { framework: 'security-hub', id: 'IAM.5' },
  ],
  defaultMode: 'alert',
  runbook:
    'Have the user register an MFA device (IAM console > Users > Security credentials > Assign MFA device), or ' +
    'remove the console password if they do not need it. A policy that denies everything without ' +
    'aws:MultiFactorAuthPresent (except managing their own MFA) makes MFA mandatory.',
  evaluate(snapshot) {
    const results = snapshot.users
      .filter((row) => row.passwordEnabled === true)
      .map((row) =>
        result(
          userSubject(row),
          row.mfaActive,
          row.mfaActive ? 'console password with MFA' : 'console password and no MFA device',
          [...userFacts(row), row.passwordLastChanged?.toISOString() ?? 'set-unknown'],
        ),
      );
    return { status: 'evaluated', results };
  },
};
