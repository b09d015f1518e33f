import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  fromSource,
  inAccount,
  inRegion,
  isAwsServiceActor,
  quarantineActor,
  quoted,
  requestString,
} from '../helpers';

const LEAVES = ['DisassociateFromAdministratorAccount', 'DisassociateFromMasterAccount'];
const MEMBER_REMOVALS = ['DeleteMember', 'DisassociateMember'];

/**
 * What an `UpdateMacieSession` weakens: `status: PAUSED` stops all discovery, and a `findingPublishingFrequency`
 * other than the default fifteen minutes holds updated findings back from EventBridge and Security Hub for up to
 * six hours. `undefined` when the update does neither (for example re-enabling Macie).
 */
export function sessionWeakening(event: CloudTrailRecord): string | undefined {
  if (requestString(event, 'status')?.toUpperCase() === 'PAUSED') return 'paused Macie';
  const frequency = requestString(event, 'findingPublishingFrequency')?.toUpperCase();
  if (frequency !== undefined && frequency !== 'FIFTEEN_MINUTES') {
    return `slowed Macie finding publication to ${quoted(frequency)}`;
  }
  return undefined;
}

export function weakensMacie(event: CloudTrailRecord): boolean {
  if (isAwsServiceActor(event)) return false;
  if (event.eventName === 'UpdateMacieSession') return sessionWeakening(event) !== undefined;
  if (event.eventName === 'CreateFindingsFilter' || event.eventName === 'UpdateFindingsFilter') {
    return requestString(event, 'action')?.toUpperCase() === 'ARCHIVE';
  }
  return true;
}

function whatHappened(event: CloudTrailRecord): string {
  if (event.eventName === 'UpdateMacieSession') return sessionWeakening(event) ?? 'changed Macie';
  if (event.eventName === 'DisableMacie') return `disabled Macie${inAccount(event)}`;
  if (LEAVES.includes(event.eventName)) {
    return `disconnected the account${inAccount(event)} from its Macie administrator`;
  }
  if (MEMBER_REMOVALS.includes(event.eventName)) {
    return `removed member account ${quoted(requestString(event, 'id'))} from Macie`;
  }
  if (event.eventName === 'DisableOrganizationAdminAccount')
    return 'removed the Macie delegated administrator';
  return `set Macie findings filter ${quoted(requestString(event, 'name'))} to archive matching findings`;
}

export const rule: Rule = {
  id: 'macie.disabled',
  title: 'Amazon Macie disabled, paused or muted',
  description:
    'A successful call that stops or weakens Amazon Macie’s sensitive-data discovery: `DisableMacie` (which also ' +
    'deletes its findings and jobs), `UpdateMacieSession` pausing Macie or publishing findings less often than ' +
    'every fifteen minutes, a member leaving its administrator or being removed, removing the delegated ' +
    'administrator, or a findings filter with action `ARCHIVE` (a suppression rule). Both the `macie2` and the ' +
    'classic `macie` event sources are matched.',
  severity: 'medium',
  attack: ['T1562.001'],
  match: {
    eventSource: ['macie2.amazonaws.com', 'macie.amazonaws.com'],
    eventName: [
      'DisableMacie',
      'UpdateMacieSession',
      ...LEAVES,
      ...MEMBER_REMOVALS,
      'DisableOrganizationAdminAccount',
      'CreateFindingsFilter',
      'UpdateFindingsFilter',
    ],
    errorCode: [{ exists: false }],
  },
  predicate: weakensMacie,
  summarize: (event) => `${actorLabel(event)} ${whatHappened(event)}${inRegion(event)}${fromSource(event)}.`,
  remediation: (event) => quarantineActor(event, 'it disabled or muted Macie'),
  defaultMode: 'alert',
  runbook:
    'Macie finds sensitive data in S3 and reports buckets that become public or shared; an attacker about to take ' +
    'data turns it off or mutes it first. Confirm whether the change was planned (cost reduction, a change of ' +
    'administrator). If not: re-enable Macie (`enable-macie` or `update-macie-session --status ENABLED ' +
    '--finding-publishing-frequency FIFTEEN_MINUTES`), re-associate members, delete suppressing filters, and ' +
    'review S3 data events and bucket policy changes for the period Macie was blind. Treat the principal as ' +
    'compromised if the change was not planned; TrailGuard quarantines it in `enforce` mode.',
  falsePositives: [
    'Pausing Macie or lowering its publishing frequency to control cost in low-risk accounts.',
    'Suppression filters for buckets holding known test data, deployed by the security team.',
  ],
  stratus: [],
  references: { panther: ['AWS.Macie.Evasion'], sigma: [] },
};
