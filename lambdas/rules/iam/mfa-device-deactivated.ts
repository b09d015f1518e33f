import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  actsOnAnotherUser,
  fromSource,
  identityType,
  isAwsServicePrincipal,
  noRemediation,
  quoted,
  requestString,
} from '../helpers';

/** `MFA device "x" of IAM user "bob"`, `the root user’s MFA device "x"`, `its own MFA device "x"`. */
function device(event: CloudTrailRecord): string {
  const serial = quoted(requestString(event, 'serialNumber'));
  if (actsOnAnotherUser(event))
    return `MFA device ${serial} of IAM user ${quoted(requestString(event, 'userName'))}`;
  if (identityType(event) === 'Root' && requestString(event, 'userName') === undefined)
    return `the root user’s MFA device ${serial}`;
  return `its own MFA device ${serial}`;
}

export const rule: Rule = {
  id: 'iam.mfa-device-deactivated',
  title: 'MFA device deactivated',
  description:
    'A successful `DeactivateMFADevice` removed an MFA device from an IAM user or the root user, so that user ' +
    'signs in with a password alone until a new device is enabled. Attackers do this to register their own ' +
    'device (persistence) or to weaken an account they are about to use. Deleting a virtual device ' +
    '(`DeleteVirtualMFADevice`) is not reported: a device in use must be deactivated first, and the console ' +
    'deletes unfinished registrations routinely. Calls by AWS service principals are excluded.',
  severity: 'medium',
  attack: ['T1556.006', 'T1098'],
  match: {
    eventSource: ['iam.amazonaws.com'],
    eventName: ['DeactivateMFADevice'],
    errorCode: [{ exists: false }],
  },
  predicate: (event) => !isAwsServicePrincipal(event),
  summarize: (event) => `${actorLabel(event)} deactivated ${device(event)}${fromSource(event)}.`,
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'An MFA device was taken off a user. Legitimate reasons exist (a lost or replaced phone or key, handled by the ' +
    'user or the help desk), so confirm with the user whose device it was. Investigate: whether a new device was ' +
    'enabled soon after (`EnableMFADevice`, `CreateVirtualMFADevice`) and by whom, console sign-ins for that user ' +
    'afterwards (`ConsoleLogin`, `MFAUsed`), and whether the actor also changed the user’s password or keys. For ' +
    'the root user, reach the owner of the root credentials at once. Respond if not expected: re-register a device ' +
    'the user controls, remove any device the attacker enabled, reset the password and review the session that ' +
    'made the change; require MFA with a policy that denies everything but MFA self-service without it.',
  falsePositives: [
    'Users replacing a phone or security key, or the help desk resetting a lost device.',
    'Off-boarding automation that removes devices of departing users.',
  ],
  stratus: [],
  references: { panther: [], sigma: [] },
};
