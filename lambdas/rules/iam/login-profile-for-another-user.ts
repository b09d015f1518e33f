import type { CloudTrailRecord, EventPattern, Rule } from '../../engine/types';
import {
  actorLabel,
  actsOnAnotherUser,
  boolOf,
  deleteLoginProfileStep,
  field,
  fromSource,
  identityType,
  isIamName,
  quarantineActor,
  quoted,
  requestString,
  revokeActorSessions,
  sameIamName,
  stringAt,
} from '../helpers';

/** A successful `CreateLoginProfile` or `UpdateLoginProfile` that names its target user. */
export const LOGIN_PROFILE_SET: EventPattern = {
  eventSource: ['iam.amazonaws.com'],
  eventName: ['CreateLoginProfile', 'UpdateLoginProfile'],
  errorCode: [{ exists: false }],
  requestParameters: { userName: [{ exists: true }] },
};

/** `arn:<partition>:sts::<account>:assumed-role/<role>/<session>`: the session name is the last segment. */
const ASSUMED_ROLE_SESSION_ARN =
  /^arn:[a-z-]{1,32}:sts::[^:/]{0,64}:assumed-role\/[^/]{1,128}\/([^/]{1,128})$/;

/**
 * True when the actor is an assumed-role session whose name (the last segment of its ARN) equals the target
 * `requestParameters.userName`, compared case-insensitively. The session name is chosen by whoever called
 * `AssumeRole`, so this is a hint that a person reset their own IAM user's password through a role, never proof.
 */
export function sessionNamedAfterTarget(event: CloudTrailRecord): boolean {
  if (identityType(event) !== 'AssumedRole') return false;
  const target = requestString(event, 'userName');
  const arn = stringAt(event, 'userIdentity', 'arn');
  const session = arn === undefined ? undefined : ASSUMED_ROLE_SESSION_ARN.exec(arn)?.[1];
  return target !== undefined && session !== undefined && sameIamName(session, target);
}

/** Describes the call for a summary: `created a console password for IAM user "bob" (reset required ...)`. */
export function describeLoginProfileChange(event: CloudTrailRecord): string {
  const verb =
    event.eventName === 'CreateLoginProfile' ? 'created a console password' : 'changed the console password';
  const reset =
    boolOf(field(event, 'requestParameters', 'passwordResetRequired')) === true
      ? ' (reset required at next sign-in)'
      : '';
  return `${verb} for IAM user ${quoted(requestString(event, 'userName'))}${reset}`;
}

/** Another user's password, set by anyone but a role session named after that user. */
function setsAnotherUsersPassword(event: CloudTrailRecord): boolean {
  return actsOnAnotherUser(event) && !sessionNamedAfterTarget(event);
}

export const rule: Rule = {
  id: 'iam.login-profile-for-another-user',
  title: 'Console password set for another IAM user',
  description:
    'A successful `CreateLoginProfile` or `UpdateLoginProfile` set the console password of a user other than the ' +
    'caller: whoever sets a password can sign in as that user. For an IAM user the names are compared ' +
    'case-insensitively; a federated user or root is never the target user. An assumed-role session whose name ' +
    '(the last segment of `arn:aws:sts::<account>:assumed-role/<role>/<session>`) equals the target user name, ' +
    'case-insensitively, is left to `iam.login-profile-set-by-namesake-session` (medium): that is usually a person ' +
    'resetting their own IAM user’s password through a role, as Panther ' +
    'AWS.CloudTrail.LoginProfileCreatedOrModified also judges, but the session name is chosen by whoever calls ' +
    '`AssumeRole`, so it is still reported, only at a lower severity. Setting a password with ' +
    '`passwordResetRequired: true` still counts: the caller knows the temporary password and can sign in first.',
  severity: 'high',
  attack: ['T1098', 'T1078.004'],
  match: LOGIN_PROFILE_SET,
  predicate: setsAnotherUsersPassword,
  summarize: (event) => `${actorLabel(event)} ${describeLoginProfileChange(event)}${fromSource(event)}.`,
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
      ...(isIamName(target) && setsAnotherUsersPassword(event)
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
  },
};
