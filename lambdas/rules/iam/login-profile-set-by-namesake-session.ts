import type { Rule } from '../../engine/types';
import { actorLabel, actsOnAnotherUser, fromSource, noRemediation } from '../helpers';
import {
  describeLoginProfileChange,
  LOGIN_PROFILE_SET,
  sessionNamedAfterTarget,
} from './login-profile-for-another-user';

export const rule: Rule = {
  id: 'iam.login-profile-set-by-namesake-session',
  title: 'Console password set by a role session named after the user',
  description:
    'A successful `CreateLoginProfile` or `UpdateLoginProfile` set the console password of an IAM user from an ' +
    'assumed-role session whose name (the last segment of `arn:aws:sts::<account>:assumed-role/<role>/<session>`) ' +
    'equals the target user name, case-insensitively. These are the events `iam.login-profile-for-another-user` ' +
    '(high) leaves out. Usually this is a person resetting their own IAM user’s password through a role: identity ' +
    'providers and `aws sts assume-role` wrappers name sessions after the person. But the session name is chosen by ' +
    'whoever calls `AssumeRole`, so an attacker holding the role can name the session after the victim and set ' +
    'the victim’s password: the event alone cannot tell the two apart, hence medium rather than silence. No ' +
    'remediation is planned: the usual case is legitimate, and the high rule’s plan (quarantine the role, revoke ' +
    'its sessions, delete the password) would lock out the role’s other users and the person who just reset ' +
    'their password; the rule alerts, and the runbook says how to act once the investigation shows an attack.',
  severity: 'medium',
  attack: ['T1098', 'T1078.004'],
  match: LOGIN_PROFILE_SET,
  predicate: (event) => actsOnAnotherUser(event) && sessionNamedAfterTarget(event),
  summarize: (event) =>
    `${actorLabel(event)} ${describeLoginProfileChange(event)}${fromSource(event)}; the session is named after ` +
    'that user.',
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'A role session named like an IAM user set that user’s console password. Find out who is behind the session: ' +
    'the `AssumeRole` (or `AssumeRoleWithSAML` / `AssumeRoleWithWebIdentity`) event that issued it, matched on ' +
    '`responseElements.assumedRoleUser.arn` or the session’s access key id, says who assumed the role, from ' +
    'where, and whether the name came from an identity provider (`sourceIdentity`, the SAML or OIDC subject) or ' +
    'was typed by the caller. If that caller is the person who owns the IAM user (same identity provider subject, ' +
    'usual source address), this is a self-service reset: close it, and consider letting users change their own ' +
    'password with `iam:ChangePassword` instead of through a role. Otherwise treat it as ' +
    '`iam.login-profile-for-another-user`: check `ConsoleLogin` events for the target user after this one (source ' +
    'IP, MFA), delete the login profile (`DeleteLoginProfile`) or reset it with a reset required, revoke the ' +
    'role’s sessions (`iam.revoke-role-sessions`, or the console’s "Revoke active sessions") and review who may ' +
    'assume the role. Setting `sourceIdentity` from the identity provider and requiring it in the role’s trust ' +
    'policy makes the name trustworthy.',
  falsePositives: [
    'A person resetting their own IAM user’s console password through an administrator role whose sessions are ' +
      'named after them (identity-provider federation, assume-role wrappers).',
    'Onboarding automation whose session happens to be named after the user it creates.',
  ],
  stratus: [],
  references: { panther: [], sigma: [] },
};
