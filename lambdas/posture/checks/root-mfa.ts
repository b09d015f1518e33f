import type { PostureCheck } from '../types';
import { result } from './support';

/** The root user signs in with a password alone. */
export const rootMfa: PostureCheck = {
  id: 'posture.root-mfa',
  title: 'Root user without MFA',
  description: "The account's root user must have MFA enabled.",
  severity: 'critical',
  controls: [
    { framework: 'cis-v3.0.0', id: '1.5' },
    { framework: 'security-hub', id: 'IAM.9' },
  ],
  defaultMode: 'alert',
  runbook:
    'Sign in as root and assign an MFA device (preferably hardware or a passkey, CIS 1.6), kept by the team that ' +
    'owns break-glass access rather than one person. In AWS Organizations, consider centralised root access ' +
    "management, which removes member accounts' root credentials.",
  evaluate(snapshot) {
    const subject = {
      kind: 'root' as const,
      name: '<root_account>',
      arn: `arn:${snapshot.partition}:iam::${snapshot.account}:root`,
    };
    const mfa = snapshot.root?.mfaActive ?? snapshot.accountSummary?.mfaEnabled;
    if (mfa === undefined) {
      return {
        status: 'not-evaluated',
        reason: 'neither the credential report root row nor GetAccountSummary could be read',
      };
    }
    const source = snapshot.root ? 'credential report' : 'GetAccountSummary';
    return {
      status: 'evaluated',
      results: [
        result(subject, mfa, mfa ? `root MFA enabled (${source})` : `root MFA not enabled (${source})`, [
          'root',
          'mfa',
        ]),
      ],
    };
  },
};
