import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  asList,
  clean,
  field,
  fromSource,
  inAccount,
  inRegion,
  isAwsServiceActor,
  quarantineActor,
} from '../helpers';

const LEAVES = ['DisassociateFromMasterAccount', 'DisassociateFromAdministratorAccount'];

function accounts(event: CloudTrailRecord): string {
  const ids = asList(field(event, 'requestParameters', 'accountIds'))
    .map((v) => clean(v, 32))
    .filter((v): v is string => v !== undefined);
  if (ids.length === 0) return 'member accounts';
  const shown = ids.slice(0, 3).join(', ');
  return `member account${ids.length > 1 ? 's' : ''} ${shown}${ids.length > 3 ? ` and ${ids.length - 3} more` : ''}`;
}

function whatHappened(event: CloudTrailRecord): string {
  if (LEAVES.includes(event.eventName)) {
    return `disconnected the account${inAccount(event)} from its GuardDuty administrator`;
  }
  switch (event.eventName) {
    case 'DeleteMembers':
      return `removed ${accounts(event)} from GuardDuty`;
    case 'DisassociateMembers':
      return `disassociated ${accounts(event)} from GuardDuty`;
    default:
      return `stopped GuardDuty monitoring of ${accounts(event)}`;
  }
}

export const rule: Rule = {
  id: 'guardduty.member-disassociated',
  title: 'Account removed from central GuardDuty management',
  description:
    'A successful call that takes accounts out of the organisation’s central GuardDuty: a member leaving its ' +
    'administrator (`DisassociateFromAdministratorAccount`, legacy `DisassociateFromMasterAccount`), or the ' +
    'administrator removing, disassociating or no longer monitoring members (`DeleteMembers`, ' +
    '`DisassociateMembers`, `StopMonitoringMembers`). Afterwards the security team no longer sees that account’s ' +
    'findings, and a member is free to suspend its own detector.',
  severity: 'high',
  attack: ['T1562.001'],
  match: {
    eventSource: ['guardduty.amazonaws.com'],
    eventName: [...LEAVES, 'DeleteMembers', 'DisassociateMembers', 'StopMonitoringMembers'],
    errorCode: [{ exists: false }],
  },
  predicate: (event) => !isAwsServiceActor(event),
  summarize: (event) => `${actorLabel(event)} ${whatHappened(event)}${inRegion(event)}${fromSource(event)}.`,
  remediation: (event) => quarantineActor(event, 'it removed accounts from central GuardDuty monitoring'),
  defaultMode: 'alert',
  runbook:
    'Central GuardDuty management is what keeps member accounts from turning detection off. Confirm whether the ' +
    'change was planned (an account leaving the organisation, a re-organisation of delegated administrators). ' +
    'If not: re-invite or re-enable the members from the administrator account (`create-members`, ' +
    '`start-monitoring-members`, or organisation auto-enable), check each affected account’s detector is still ' +
    'enabled, and review what happened in those accounts while they were unmonitored. Treat the principal as ' +
    'compromised (TrailGuard quarantines it in `enforce` mode). Prevent with an SCP denying ' +
    '`guardduty:Disassociate*` and `guardduty:DeleteMembers` outside a break-glass role.',
  falsePositives: [
    'Closing or moving an account out of the organisation.',
    'Changing the GuardDuty delegated administrator, which re-creates member associations.',
  ],
  stratus: [],
  references: { panther: [], sigma: [] },
};
