import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  clean,
  field,
  fromSource,
  inRegion,
  isAwsServiceActor,
  quarantineActor,
  quoted,
  requestString,
} from '../helpers';

function whatHappened(event: CloudTrailRecord): string {
  const key = quoted(requestString(event, 'keyId'));
  switch (event.eventName) {
    case 'ScheduleKeyDeletion': {
      const days = clean(field(event, 'requestParameters', 'pendingWindowInDays'), 8);
      return `scheduled KMS key ${key} for deletion${days === undefined ? '' : ` in ${days} days`}`;
    }
    case 'DeleteImportedKeyMaterial':
      return `deleted the imported key material of KMS key ${key}, making it unusable at once`;
    default:
      return `disabled KMS key ${key}`;
  }
}

export const rule: Rule = {
  id: 'kms.key-disabled-or-deleted',
  title: 'KMS key disabled or scheduled for deletion',
  description:
    'A successful `DisableKey`, `ScheduleKeyDeletion` or `DeleteImportedKeyMaterial` on a customer managed KMS ' +
    'key. Everything encrypted under the key (EBS volumes, S3 objects, RDS databases, secrets, backups) becomes ' +
    'unreadable while it is disabled, and permanently once the deletion completes: a ransom or sabotage ' +
    'technique that needs no access to the data itself. Calls by AWS services on a principal’s behalf ' +
    '(CloudFormation deleting a stack’s key) are not counted.',
  severity: 'high',
  attack: ['T1485', 'T1486'],
  match: {
    eventSource: ['kms.amazonaws.com'],
    eventName: ['DisableKey', 'ScheduleKeyDeletion', 'DeleteImportedKeyMaterial'],
    errorCode: [{ exists: false }],
  },
  predicate: (event) => !isAwsServiceActor(event),
  summarize: (event) => `${actorLabel(event)} ${whatHappened(event)}${inRegion(event)}${fromSource(event)}.`,
  remediation: (event) => quarantineActor(event, 'it disabled or scheduled deletion of a KMS key'),
  defaultMode: 'alert',
  runbook:
    'Data encrypted under this key is, or will be, unreadable. Act within the pending window (7 to 30 days): ' +
    '`aws kms cancel-key-deletion` then `enable-key` restores a scheduled key; `enable-key` restores a disabled ' +
    'one; deleted imported key material must be re-imported from the original copy. Find what uses the key ' +
    '(`list-grants`, CloudTrail `Decrypt`/`GenerateDataKey` calls with this key id, resource encryption settings) ' +
    'and ask its owner whether retirement was planned. If not, treat the principal as compromised (TrailGuard ' +
    'quarantines it in `enforce` mode) and look for ransom notes or data deletion alongside. Prevent with key ' +
    'policies that allow `kms:ScheduleKeyDeletion` and `kms:DisableKey` only to a key-administration role.',
  falsePositives: [
    'Planned retirement of keys of decommissioned applications.',
    'Key rotation procedures for imported key material (delete, then import new material).',
  ],
  stratus: [],
  references: { panther: ['AWS.KMS.CustomerManagedKeyLoss'], sigma: [] },
};
