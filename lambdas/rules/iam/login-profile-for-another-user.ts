import type { Rule } from '../../engine/types';
import {
  actorLabel,
  actsOnAnotherUser,
  boolOf,
  deleteLoginProfileStep,
  field,
  fromSource,
  isIamName,
  quarantineActor,
  quoted,
  requestString,
  revokeActorSessions,
} from '../helpers';

export const rule: Rule = {
  id: 'iam.login-profile-for-another-user',
  title: 'Console password set for another IAM user',
  description:
    'A successful `CreateLoginProfile` or `UpdateLoginProfile` set the console password of a user other than the ' +
    'caller: whoever sets a password can sign in as that user. For an IAM user the names are compared ' +
    'case-insensitively; a role session, federated user or root is never the target user. This disagrees on ' +
    'purpose with Panther AWS.CloudTrail.LoginProfileCreatedOrModified, which treats a role session whose name ' +
    'equals the target user as "changing their own password": the session name is chosen by whoever calls ' +
    '`AssumeRole`, so trusting it would let an attacker evade by naming the session after the victim. Setting a ' +
    'password with `passwordResetRequired: true` still counts: the caller knows the temporary password and can ' +
    'sign in first.',
  severity: 'high',
  attack: ['T1098', 'T1078.004'],
  match: {
    eventSource: ['iam.amazonaws.com'],
    eventName: ['CreateLoginProfile', 'UpdateLoginProfile'],
    errorCode: [{ exists: false }],
    requestParameters: { userName: [{ exists: true }] },
  },
  predicate: actsOnAnotherUser,
  summarize: (event) => {
    const verb =
      event.eventName === 'CreateLoginProfile'
        ? 'created a console password'
        : 'changed the console password';
    const reset =
      boolOf(field(event, 'requestParameters', 'passwordResetRequired')) === true
        ? ' (reset required at next sign-in)'
        : '';
    return `${actorLabel(event)} ${verb} for IAM user ${quoted(requestString(event, 'userName'))}${reset}${fromSource(event)}.`;
  },
  /*
   * Quarantine the actor and revoke its role's sessions; then delete the password it set, which only runs if an
   * operator enabled iam.delete-login-profile (a deleted password cannot be restored, and help-desk resets are
   * common). A login profile cannot be "disabled": deleting is the only way to take the console away.
   */
  remediation: (event) => {
    const target = requestString(event, 'userName');
    return [
      ...quarantineActor(event, 'it set the console password of another user'),
      ...revokeActorSessions(event, 'it set the console password of another user'),
      ...(isIamName(target) && actsOnAnotherUser(event)
        ? [deleteLoginProfileStep(target, 'another principal just set this password')]
        : []),
    ];
  },
  defaultMode: 'alert',
  runbook:
    'A principal set a console password on another user, which lets whoever knows it sign in as that user. This ' +
    'is a known persistence and privilege-escalation step (take over a more privileged user). Confirm with the ' +
    'acting principal’s owner (help-desk reset? onboarding?) and with the target user. Investigate: ' +
    '`ConsoleLogin` events for the target user after this event (source IP, MFA used), and what that session ' +
    'did; what else the actor changed. Respond: if not expected, delete the login profile ' +
    '(`DeleteLoginProfile`) or reset it with a reset required, sign the user out by attaching a policy that ' +
    'denies sessions issued before now (or the quarantine policy), and treat the actor as compromised. In ' +
    '`enforce` mode TrailGuard quarantines the actor; the default is alert because password resets by ' +
    'administrators are common.',
  falsePositives: [
    'Administrators or help-desk staff resetting a user’s password (usually with a reset required).',
    'User onboarding automation that creates console passwords for new users.',
  ],
  stratus: [
    'aws.persistence.iam-create-user-login-profile',
    'aws.privilege-escalation.iam-update-user-login-profile',
  ],
  references: {
    panther: ['AWS.CloudTrail.LoginProfileCreatedOrModified'],
    sigma: ['AWS User Login Profile Was Modified'],
    disagreements: [
      {
        panther: 'AWS.CloudTrail.LoginProfileCreatedOrModified',
        test: 'ChangeOwnPassword',
        reason: 'a role session name is chosen by the caller and cannot prove the caller is the target user',
      },
    ],
  },
};
