import type { Rule } from '../../engine/types';
import { actorLabel, clean, fromSource, inAccount, isAwsServiceActor, quarantineActor } from '../helpers';

export const rule: Rule = {
  id: 'organizations.leave-attempted',
  title: 'Account tried to leave the AWS organization',
  description:
    'A `LeaveOrganization` call, successful or not. An account that leaves its organization escapes every service ' +
    'control policy, the organization trail, and the delegated administrators of GuardDuty, Security Hub and ' +
    'Config, and its owner can then do anything with it. Denied attempts count too (the attempt itself shows ' +
    'intent and an SCP is what stopped it), matching Panther’s AWS.CloudTrail.AttemptToLeaveOrg.',
  severity: 'high',
  attack: ['T1562.001', 'T1666'],
  match: {
    eventSource: ['organizations.amazonaws.com'],
    eventName: ['LeaveOrganization'],
  },
  predicate: (event) => !isAwsServiceActor(event),
  summarize: (event) => {
    const error = clean(event.errorCode, 64);
    return error === undefined
      ? `${actorLabel(event)} removed the account${inAccount(event)} from its AWS organization${fromSource(event)}.`
      : `${actorLabel(event)} tried to remove the account${inAccount(event)} from its AWS organization ` +
          `(refused: ${error})${fromSource(event)}.`;
  },
  remediation: (event) => quarantineActor(event, 'it tried to take the account out of the organization'),
  defaultMode: 'alert',
  runbook:
    'Leaving the organization removes all central guardrails at once. A successful leave is an emergency: the ' +
    'management account can no longer act on the account; contact its root owner, re-invite it ' +
    '(`invite-account-to-organization`), and review everything done in it since. A denied attempt means the SCP ' +
    'held but someone with access tried: find who (the finding’s principal and source IP), review what else the ' +
    'principal attempted, and treat it as compromised (TrailGuard quarantines it in `enforce` mode). Prevent with ' +
    'an SCP denying `organizations:LeaveOrganization` for every principal of member accounts.',
  falsePositives: [
    'Planned account divestment or migration to another organization (done once, with a change ticket).',
    'Security tooling or red-team exercises testing that the SCP blocks leaving (denied attempts).',
  ],
  stratus: ['aws.defense-evasion.organizations-leave'],
  references: { panther: ['AWS.CloudTrail.AttemptToLeaveOrg'], sigma: [] },
};
