import type { CloudTrailRecord, Rule } from '../../engine/types';
import { field, fromSource, inAccount, noRemediation } from '../helpers';

const EVENTS = ['PasswordUpdated', 'PasswordRecoveryCompleted'];

/** The sign-in service logs the outcome as `responseElements.<eventName>: Success | Failure`. */
function succeeded(event: CloudTrailRecord): boolean {
  return EVENTS.includes(event.eventName) && field(event, 'responseElements', event.eventName) === 'Success';
}

export const rule: Rule = {
  id: 'root.password-changed',
  title: 'Root user password changed or recovered',
  description:
    'The root user’s console password was changed (`PasswordUpdated`) or reset through the forgotten-password ' +
    'flow (`PasswordRecoveryCompleted`), and the sign-in service logged `Success`. Failed attempts do not match. ' +
    'Whoever sets the root password controls the account; an attacker with access to the root email address can ' +
    'take it over with the recovery flow alone.',
  severity: 'high',
  attack: ['T1098', 'T1078.004'],
  match: {
    eventSource: ['signin.amazonaws.com'],
    eventName: EVENTS,
    userIdentity: { type: ['Root'] },
  },
  predicate: succeeded,
  summarize: (event) => {
    const how =
      event.eventName === 'PasswordRecoveryCompleted' ? 'was reset by password recovery' : 'was changed';
    return `The root user’s password ${how}${inAccount(event)}${fromSource(event)}.`;
  },
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'The root password is the key to the whole account. Confirm with the named owner of the root credentials ' +
    'that they changed it, and why (scheduled rotation, recovery after losing it). Investigate: the source address ' +
    'and user agent of this event and of the root sign-ins around it (`ConsoleLogin` by `Root`), whether a ' +
    'password-recovery email was requested (`PasswordRecoveryRequested`), whether MFA was used, and what root did ' +
    'next (new access keys, MFA changes, changes to the account email or alternate contacts). If the change is ' +
    'not accounted for: recover the root user through AWS Support if you no longer can sign in, reset the password, ' +
    're-register MFA, secure the mailbox behind the root email address, and review everything root did since. ' +
    'TrailGuard never remediates root.',
  falsePositives: ['Planned rotation of the root password by its owner (record it in a change ticket).'],
  stratus: [],
  references: {
    panther: ['AWS.CloudTrail.RootPasswordChanged'],
    sigma: [],
  },
};
