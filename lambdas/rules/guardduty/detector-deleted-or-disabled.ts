import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  boolOf,
  field,
  fromSource,
  identityType,
  inRegion,
  quarantineActor,
  quoted,
  requestString,
} from '../helpers';

/** `DeleteDetector`, or `UpdateDetector` with `enable: false` (suspends the detector). */
export function disablesDetector(event: CloudTrailRecord): boolean {
  if (event.eventName === 'DeleteDetector') return true;
  return (
    event.eventName === 'UpdateDetector' && boolOf(field(event, 'requestParameters', 'enable')) === false
  );
}

export const rule: Rule = {
  id: 'guardduty.detector-deleted-or-disabled',
  title: 'GuardDuty detector deleted or suspended',
  description:
    'A successful `DeleteDetector`, or an `UpdateDetector` with `enable: false`, turned GuardDuty off in a region. ' +
    'Deleting the detector also deletes its existing findings, destroying evidence. Critical for the same reason ' +
    'as stopping CloudTrail: it removes the account’s threat detection. Turning off individual protection ' +
    'features (S3, EKS, malware protection) is not covered: it is frequently done for cost and the previous state ' +
    'is not in the event.',
  severity: 'critical',
  attack: ['T1562.001'],
  match: {
    eventSource: ['guardduty.amazonaws.com'],
    eventName: ['DeleteDetector', 'UpdateDetector'],
    errorCode: [{ exists: false }],
  },
  predicate: disablesDetector,
  summarize: (event) =>
    `${actorLabel(event)} ${event.eventName === 'DeleteDetector' ? 'deleted' : 'suspended'} GuardDuty detector ` +
    `${quoted(requestString(event, 'detectorId'))}${inRegion(event)}${fromSource(event)}.`,
  remediation: (event) => {
    if (identityType(event) === 'AWSService') return [];
    return quarantineActor(event, 'it turned GuardDuty off');
  },
  defaultMode: 'alert',
  runbook:
    'GuardDuty stopped watching this region. Confirm whether it was planned (region clean-up, moving to a ' +
    'delegated administrator, account closure). If it was not, turn it back on immediately (`CreateDetector`, ' +
    'or `UpdateDetector --enable`), re-apply the organisation’s GuardDuty settings, and treat the actor as ' +
    'compromised: review what it did before and after, since disabling detection usually comes just before the ' +
    'real action. A deleted detector’s findings are gone; if findings were exported (Security Hub, an S3 ' +
    'export, EventBridge targets) review them there. Prevent recurrence by managing GuardDuty from a delegated ' +
    'administrator account (members then cannot disable it) and by an SCP denying `guardduty:DeleteDetector`, ' +
    '`UpdateDetector` and `DisassociateFromMasterAccount`. In `enforce` mode TrailGuard quarantines the actor.',
  falsePositives: [
    'Removing GuardDuty from regions the organisation does not use.',
    'Migrating to delegated-administrator management, or closing an account.',
  ],
  stratus: [],
  references: { panther: [], sigma: ['AWS GuardDuty Detector Deleted Or Updated'] },
};
