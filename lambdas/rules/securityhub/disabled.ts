import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  asList,
  field,
  fromSource,
  inAccount,
  inRegion,
  isAwsServiceActor,
  quarantineActor,
} from '../helpers';

const LEAVES = ['DisassociateFromMasterAccount', 'DisassociateFromAdministratorAccount'];

function count(event: CloudTrailRecord, key: string, noun: string): string {
  const n = asList(field(event, 'requestParameters', key)).length;
  return n === 0 ? `${noun}s` : `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function whatHappened(event: CloudTrailRecord): string {
  if (LEAVES.includes(event.eventName)) {
    return `disconnected the account${inAccount(event)} from its Security Hub administrator`;
  }
  switch (event.eventName) {
    case 'DisableSecurityHub':
      return `disabled Security Hub${inAccount(event)}`;
    case 'BatchDisableStandards':
      return `disabled ${count(event, 'StandardsSubscriptionArns', 'Security Hub standard')}`;
    default:
      return `removed ${count(event, 'AccountIds', 'member account')} from Security Hub`;
  }
}

export const rule: Rule = {
  id: 'securityhub.disabled',
  title: 'Security Hub disabled or cut off from its administrator',
  description:
    'A successful `DisableSecurityHub`, `BatchDisableStandards`, a member leaving its administrator ' +
    '(`DisassociateFromAdministratorAccount`, legacy `DisassociateFromMasterAccount`), or the administrator ' +
    'dropping members (`DisassociateMembers`, `DeleteMembers`). Each removes findings and control checks from ' +
    'the security team’s view: disabling Security Hub deletes its findings and stops the standards’ Config rules. ' +
    'Disabling single controls (`UpdateStandardsControl`) is not covered: it is routine tuning.',
  severity: 'high',
  attack: ['T1562.001'],
  match: {
    eventSource: ['securityhub.amazonaws.com'],
    eventName: [
      'DisableSecurityHub',
      'BatchDisableStandards',
      ...LEAVES,
      'DisassociateMembers',
      'DeleteMembers',
    ],
    errorCode: [{ exists: false }],
  },
  predicate: (event) => !isAwsServiceActor(event),
  summarize: (event) => `${actorLabel(event)} ${whatHappened(event)}${inRegion(event)}${fromSource(event)}.`,
  remediation: (event) => quarantineActor(event, 'it turned Security Hub off'),
  defaultMode: 'alert',
  runbook:
    'Security Hub aggregates GuardDuty, Inspector, Macie and Config findings; turning it off or detaching an ' +
    'account hides them from the central view. Confirm whether it was planned (region clean-up, a change of ' +
    'delegated administrator, an account leaving the organisation). If not: re-enable it (`enable-security-hub`, ' +
    're-subscribe the standards, re-associate the member from the administrator account), then review the ' +
    'underlying services’ findings directly (GuardDuty, Config) for the period Security Hub was blind, and what ' +
    'the principal did around the same time. Treat the principal as compromised; TrailGuard quarantines it in ' +
    '`enforce` mode. Prevent with central configuration from the delegated administrator and an SCP denying ' +
    '`securityhub:Disable*`, `securityhub:Disassociate*` and `securityhub:DeleteMembers`.',
  falsePositives: [
    'Removing Security Hub from unused regions, or changing the delegated administrator account.',
    'Replacing one security standard with another (disabling the old subscription).',
  ],
  stratus: [],
  references: { panther: [], sigma: [] },
};
