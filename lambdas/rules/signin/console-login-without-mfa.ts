import type { Rule } from '../../engine/types';
import { actorLabel, fromSource, inAccount, noRemediation } from '../helpers';

export const rule: Rule = {
  id: 'signin.console-login-without-mfa',
  title: 'Console sign-in without MFA',
  description:
    'An IAM user or the root user signed in to the AWS console successfully with a password alone ' +
    '(`additionalEventData.MFAUsed: No`). Federated sign-ins (assumed roles via IAM Identity Center or SAML, or ' +
    'any sign-in carrying a `SamlProviderArn`) are excluded: their MFA is enforced by the identity provider and ' +
    'CloudTrail always reports `MFAUsed: No` for them. Panther AWS.Console.LoginWithoutMFA also suppresses users ' +
    'created in the last few days through a lookup; this rule has no such state and fires for them.',
  severity: 'medium',
  attack: ['T1078.004'],
  match: {
    eventSource: ['signin.amazonaws.com'],
    eventName: ['ConsoleLogin'],
    userIdentity: { type: ['IAMUser', 'Root'] },
    responseElements: { ConsoleLogin: ['Success'] },
    additionalEventData: { MFAUsed: ['No'], SamlProviderArn: [{ exists: false }] },
  },
  summarize: (event) =>
    `${actorLabel(event)} signed in to the AWS console without MFA${inAccount(event)}${fromSource(event)}.`,
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'A password is the only thing standing between the internet and this identity’s console access. First ' +
    'confirm with the user that the sign-in was theirs (time, source IP, browser); an unexpected location or user ' +
    'agent means the password is known to someone else. Investigate the session: list the events the same ' +
    'principal made after the sign-in (same `userIdentity.arn`, console user agent, following hour) and look for ' +
    'IAM changes, new access keys, MFA device changes or data access. Respond: if the sign-in is not recognised, ' +
    'reset the password (`UpdateLoginProfile` with a reset required), deactivate the user’s access keys and ' +
    'review what the session did. Either way, register an MFA device for the user and enforce MFA with an IAM ' +
    'policy that denies everything except MFA self-service when `aws:MultiFactorAuthPresent` is false; for root, ' +
    'register MFA on the root user and lock the credentials away.',
  falsePositives: [
    'New users signing in for the first time before they have registered an MFA device.',
    'Shared lab or sandbox accounts where MFA is knowingly not enforced.',
  ],
  stratus: ['aws.initial-access.console-login-without-mfa'],
  references: {
    panther: ['AWS.Console.LoginWithoutMFA'],
    sigma: ['AWS Successful Console Login Without MFA'],
    disagreements: [
      {
        panther: 'AWS.Console.LoginWithoutMFA',
        test: 'No MFA Login - New User',
        reason: 'Panther suppresses new users through a lookup (mocked); TrailGuard has no such state',
      },
    ],
  },
};
