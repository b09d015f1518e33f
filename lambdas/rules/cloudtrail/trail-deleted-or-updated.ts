import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  asList,
  boolOf,
  clean,
  field,
  fromSource,
  inRegion,
  isRecord,
  quarantineActor,
  quoted,
  requestString,
} from '../helpers';

/** Whether a basic event selector logs every management event (read and write, no excluded sources). */
function basicSelectorCoversManagement(selector: Record<string, unknown>): boolean {
  // API defaults when a field is omitted: IncludeManagementEvents true, ReadWriteType All.
  if (boolOf(field(selector, 'includeManagementEvents')) === false) return false;
  const readWrite = field(selector, 'readWriteType');
  if (readWrite !== undefined && readWrite !== 'All') return false;
  return asList(field(selector, 'excludeManagementEventSources')).length === 0;
}

interface ManagementCoverage {
  readonly all: boolean;
  readonly reads: boolean;
  readonly writes: boolean;
}

/** What one advanced event selector logs of management events. */
function advancedSelectorCoverage(selector: Record<string, unknown>): ManagementCoverage {
  const none = { all: false, reads: false, writes: false };
  const conditions = asList(field(selector, 'fieldSelectors')).filter(isRecord);
  let management = false;
  let readOnly: boolean | undefined;
  for (const condition of conditions) {
    const name = field(condition, 'field');
    const equals = asList(field(condition, 'equals'));
    if (name === 'eventCategory') {
      if (equals.length === 1 && equals[0] === 'Management' && Object.keys(condition).length <= 2)
        management = true;
      else return none;
    } else if (name === 'readOnly' && equals.length === 1 && Object.keys(condition).length <= 2) {
      readOnly = boolOf(equals[0]);
      if (readOnly === undefined) return none;
    } else {
      return none; // any other filter (eventSource, eventName, NotEquals, ...) narrows what is logged
    }
  }
  if (!management) return none;
  if (readOnly === undefined) return { all: true, reads: true, writes: true };
  return { all: false, reads: readOnly, writes: !readOnly };
}

/**
 * True when a `PutEventSelectors` request leaves the trail logging less than every management event. The request
 * replaces the trail's selectors, so the request alone says what the trail logs afterwards. Data-event changes
 * are not judged (whether they shrink coverage depends on the previous selectors, which the event does not carry).
 * A request whose selectors cannot be read counts as reducing coverage.
 */
export function reducesManagementCoverage(event: CloudTrailRecord): boolean {
  const basic = field(event, 'requestParameters', 'eventSelectors');
  const advanced = field(event, 'requestParameters', 'advancedEventSelectors');
  if (Array.isArray(advanced) && advanced.length > 0) {
    const coverage = asList(advanced).filter(isRecord).map(advancedSelectorCoverage);
    const all =
      coverage.some((c) => c.all) || (coverage.some((c) => c.reads) && coverage.some((c) => c.writes));
    return !all;
  }
  if (Array.isArray(basic)) {
    return !asList(basic).filter(isRecord).some(basicSelectorCoversManagement);
  }
  return true;
}

function trailName(event: CloudTrailRecord): string | undefined {
  return requestString(event, 'name') ?? requestString(event, 'trailName');
}

function whatHappened(event: CloudTrailRecord): string {
  switch (event.eventName) {
    case 'DeleteTrail':
      return 'deleted';
    case 'UpdateTrail':
      return 'updated the configuration of';
    case 'PutEventSelectors':
      return 'reduced the management events logged by';
    default:
      return `called ${clean(event.eventName, 64) ?? 'an unknown action'} on`;
  }
}

export const rule: Rule = {
  id: 'cloudtrail.trail-deleted-or-updated',
  title: 'CloudTrail trail deleted, reconfigured or narrowed',
  description:
    'A successful `DeleteTrail`, any successful `UpdateTrail` (it can redirect delivery to another bucket, ' +
    'drop other regions or global service events, or turn off log file validation or encryption, and the event ' +
    'does not say what changed before), or a `PutEventSelectors` that leaves the trail logging less than every ' +
    'management event (management events off, read-only or write-only, excluded event sources, or advanced ' +
    'selectors filtering management events). `PutInsightSelectors` is deliberately not covered: CloudTrail ' +
    'Insights is an anomaly layer on top of the record, turning it off does not remove any event from the trail, ' +
    'and it is routinely turned off to save cost. Stopping a trail is covered by cloudtrail.logging-stopped.',
  severity: 'high',
  attack: ['T1562.008'],
  match: {
    eventSource: ['cloudtrail.amazonaws.com'],
    eventName: ['DeleteTrail', 'UpdateTrail', 'PutEventSelectors'],
    errorCode: [{ exists: false }],
  },
  predicate: (event) => event.eventName !== 'PutEventSelectors' || reducesManagementCoverage(event),
  summarize: (event) =>
    `${actorLabel(event)} ${whatHappened(event)} CloudTrail trail ${quoted(trailName(event))}` +
    `${inRegion(event)}${fromSource(event)}.`,
  remediation: (event) => quarantineActor(event, 'it deleted or weakened a CloudTrail trail'),
  defaultMode: 'alert',
  runbook:
    'A trail was removed or changed in a way that can hide activity. Read the request parameters in the finding: ' +
    'for `UpdateTrail`, compare the new settings with the intended ones (S3 bucket and prefix, ' +
    '`isMultiRegionTrail`, `includeGlobalServiceEvents`, `enableLogFileValidation`, `kmsKeyId`); a bucket in ' +
    'another account means logs now go to someone else. For `PutEventSelectors`, check which management events ' +
    'the trail no longer records. For `DeleteTrail`, confirm whether an organization trail or another trail still ' +
    'covers the account. Then confirm with the owner of the trail whether the change was planned. Respond: ' +
    'restore the trail configuration (or recreate the trail) from infrastructure-as-code, use the CloudTrail ' +
    'event history (90 days of management events) to review what happened during the gap, and, if the change ' +
    'was not planned, treat the principal as compromised. In `enforce` mode TrailGuard quarantines the actor; it ' +
    'does not restore trail settings itself.',
  falsePositives: [
    'Infrastructure-as-code deployments that update or replace trails (CloudFormation, Terraform, Control Tower).',
    'A data-events-only trail deliberately configured without management events because another trail logs them.',
    'Excluding high-volume sources such as AWS KMS or RDS Data API events from management logging to save cost.',
  ],
  stratus: ['aws.defense-evasion.cloudtrail-delete', 'aws.defense-evasion.cloudtrail-event-selectors'],
  references: {
    panther: ['AWS.CloudTrail.Stopped', 'AWS.CloudTrail.EventSelectorsDisabled'],
    sigma: ['AWS CloudTrail Important Change'],
  },
};
