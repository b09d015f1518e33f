import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  asList,
  field,
  fromSource,
  inRegion,
  isAwsServiceActor,
  quarantineActor,
  quoted,
  requestString,
  stringAt,
} from '../helpers';

const AUTOMATION_EVENTS = ['CreateAutomationRule', 'UpdateAutomationRules', 'BatchUpdateAutomationRules'];

function isSuppressed(value: unknown): boolean {
  return typeof value === 'string' && value.trim().toUpperCase() === 'SUPPRESSED';
}

/** Automation rules (one, or a batch under `UpdateAutomationRulesRequestItems`) whose actions suppress findings. */
function automationSuppresses(event: CloudTrailRecord): boolean {
  const request = field(event, 'requestParameters');
  const rules =
    event.eventName === 'CreateAutomationRule'
      ? [request]
      : asList(field(request, 'UpdateAutomationRulesRequestItems'));
  return rules.some((item) =>
    asList(field(item, 'Actions')).some((action) =>
      isSuppressed(field(action, 'FindingFieldsUpdate', 'Workflow', 'Status')),
    ),
  );
}

/**
 * - `BatchUpdateFindings` setting `Workflow.Status` to `SUPPRESSED`;
 * - legacy `UpdateFindings` setting `RecordState` to `ARCHIVED` for every finding matching its filters;
 * - automation rules (`CreateAutomationRule`, `UpdateAutomationRules`, `BatchUpdateAutomationRules`) whose
 *   action suppresses matching findings, now and in the future.
 */
export function suppressesFindings(event: CloudTrailRecord): boolean {
  if (isAwsServiceActor(event)) return false;
  if (event.eventName === 'BatchUpdateFindings') {
    return isSuppressed(stringAt(event, 'requestParameters', 'Workflow', 'Status'));
  }
  if (event.eventName === 'UpdateFindings') {
    return requestString(event, 'RecordState')?.trim().toUpperCase() === 'ARCHIVED';
  }
  return AUTOMATION_EVENTS.includes(event.eventName) && automationSuppresses(event);
}

function whatHappened(event: CloudTrailRecord): string {
  if (event.eventName === 'BatchUpdateFindings') {
    const n = asList(field(event, 'requestParameters', 'FindingIdentifiers')).length;
    return `suppressed ${n === 0 ? 'Security Hub findings' : `${n} Security Hub finding${n === 1 ? '' : 's'}`}`;
  }
  if (event.eventName === 'UpdateFindings') return 'archived every Security Hub finding matching a filter';
  return `set Security Hub automation rule ${quoted(requestString(event, 'RuleName'), 'rules')} to suppress matching findings`;
}

export const rule: Rule = {
  id: 'securityhub.findings-suppressed',
  title: 'Security Hub findings suppressed',
  description:
    'A successful call that hides Security Hub findings: `BatchUpdateFindings` with workflow status ' +
    '`SUPPRESSED`, legacy `UpdateFindings` with record state `ARCHIVED`, or an automation rule ' +
    '(`CreateAutomationRule`, `UpdateAutomationRules`, `BatchUpdateAutomationRules`) whose action suppresses every ' +
    'matching finding from now on. Resolving findings (`RESOLVED`, `NOTIFIED`) and notes are not counted: analysts ' +
    'do that all day. Deleting or editing insights (saved searches) hides nothing and is not counted.',
  severity: 'medium',
  attack: ['T1562.001'],
  match: {
    eventSource: ['securityhub.amazonaws.com'],
    eventName: ['BatchUpdateFindings', 'UpdateFindings', ...AUTOMATION_EVENTS],
    errorCode: [{ exists: false }],
  },
  predicate: suppressesFindings,
  summarize: (event) => `${actorLabel(event)} ${whatHappened(event)}${inRegion(event)}${fromSource(event)}.`,
  remediation: (event) => quarantineActor(event, 'it suppressed Security Hub findings'),
  defaultMode: 'alert',
  runbook:
    'Suppressed findings leave the default views and stop notifying. Identify which findings were suppressed (the ' +
    '`FindingIdentifiers`, or the criteria of the filter or automation rule in the request) and whether they ' +
    'concern the actor’s own activity: an attacker suppressing the GuardDuty finding about their own access key ' +
    'is the pattern to look for. Ask the security team whether it was triage. Respond: set the findings back to ' +
    '`NEW` (`batch-update-findings --workflow Status=NEW`), disable or delete a suppressing automation rule, ' +
    'triage what was hidden, and if unplanned treat the principal as compromised (TrailGuard quarantines it in ' +
    '`enforce` mode). Restrict `securityhub:BatchUpdateFindings` and automation rules to the security team.',
  falsePositives: [
    'Analysts suppressing accepted risks or known false positives during triage.',
    'Automation rules suppressing findings for sandbox accounts or accepted controls, deployed as code.',
  ],
  stratus: [],
  references: { panther: [], sigma: ['AWS SecurityHub Findings Evasion'] },
};
