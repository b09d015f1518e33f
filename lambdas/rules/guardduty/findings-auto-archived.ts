import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  fromSource,
  inRegion,
  isAwsServiceActor,
  quarantineActor,
  quoted,
  requestString,
} from '../helpers';

/** A GuardDuty filter whose action is `ARCHIVE` is a suppression rule: matching findings are archived on arrival. */
export function archivesFindings(event: CloudTrailRecord): boolean {
  if (isAwsServiceActor(event)) return false;
  return requestString(event, 'action')?.trim().toUpperCase() === 'ARCHIVE';
}

export const rule: Rule = {
  id: 'guardduty.findings-auto-archived',
  title: 'GuardDuty suppression rule created or changed',
  description:
    'A successful `CreateFilter` or `UpdateFilter` in GuardDuty with action `ARCHIVE`: a suppression rule. ' +
    'Findings matching its criteria are archived as soon as they are generated, are not sent to EventBridge or ' +
    'Security Hub, and so never reach the people watching. A broad criterion (any severity, a finding type the ' +
    'attacker triggers, their IP address or access key) hides an intrusion while GuardDuty looks healthy. ' +
    'Filters with action `NOOP` (saved views) are not counted.',
  severity: 'medium',
  attack: ['T1562.001'],
  match: {
    eventSource: ['guardduty.amazonaws.com'],
    eventName: ['CreateFilter', 'UpdateFilter'],
    errorCode: [{ exists: false }],
  },
  predicate: archivesFindings,
  summarize: (event) =>
    `${actorLabel(event)} ${event.eventName === 'CreateFilter' ? 'created' : 'updated'} GuardDuty suppression ` +
    `rule ${quoted(requestString(event, 'name') ?? requestString(event, 'filterName'))}, which archives matching ` +
    `findings automatically${inRegion(event)}${fromSource(event)}.`,
  remediation: (event) => quarantineActor(event, 'it suppressed GuardDuty findings'),
  defaultMode: 'alert',
  runbook:
    'A suppression rule archives findings before anyone sees them. Read `findingCriteria` in the finding’s request ' +
    'parameters: rules that match by severity, by a whole finding type, or by a specific IP address, access key ' +
    'or instance are the dangerous ones; rules narrowing a known-noisy type to a known scanner are normal. Ask ' +
    'the security team whether it was theirs. Investigate: list archived findings that match the criteria ' +
    '(`list-findings` with `service.archived = true`) to see what the rule has already hidden, and what the same ' +
    'principal did around the same time. Respond: delete the filter or set its action to `NOOP`, unarchive and ' +
    'triage the hidden findings, and if unplanned treat the principal as compromised (TrailGuard quarantines it ' +
    'in `enforce` mode). Manage suppression rules only from the delegated administrator account.',
  falsePositives: [
    'The security team suppressing known-benign findings (vulnerability scanners, penetration tests, bastions).',
    'Infrastructure-as-code re-applying existing suppression rules.',
  ],
  stratus: [],
  references: { panther: [], sigma: [] },
};
