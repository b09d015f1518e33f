import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  fromSource,
  isAwsServiceActor,
  noRemediation,
  quoted,
  requestString,
  stringAt,
} from '../helpers';

/** What a `PutBucketVersioning` request turns off: versioning (`Suspended`, `Disabled`) and/or MFA delete. */
export function protectionsTurnedOff(event: CloudTrailRecord): string[] {
  if (isAwsServiceActor(event)) return [];
  const status = stringAt(event, 'requestParameters', 'VersioningConfiguration', 'Status')
    ?.trim()
    .toLowerCase();
  const mfaDelete = stringAt(event, 'requestParameters', 'VersioningConfiguration', 'MfaDelete')
    ?.trim()
    .toLowerCase();
  const off: string[] = [];
  if (status === 'suspended' || status === 'disabled') off.push('versioning');
  if (mfaDelete === 'disabled') off.push('MFA delete');
  return off;
}

export const rule: Rule = {
  id: 's3.versioning-or-mfa-delete-disabled',
  title: 'S3 versioning suspended or MFA delete turned off',
  description:
    'A successful `PutBucketVersioning` that suspends versioning or turns MFA delete off. Versioning keeps ' +
    'every overwritten or deleted object recoverable and MFA delete makes permanent deletion need a second ' +
    'factor; turning them off is the preparation for ransomware and data destruction in S3, because deletes and ' +
    'overwrites after it are final.',
  severity: 'medium',
  attack: ['T1490', 'T1485'],
  match: {
    eventSource: ['s3.amazonaws.com'],
    eventName: ['PutBucketVersioning'],
    errorCode: [{ exists: false }],
  },
  predicate: (event) => protectionsTurnedOff(event).length > 0,
  summarize: (event) =>
    `${actorLabel(event)} turned off ${protectionsTurnedOff(event).join(' and ') || 'versioning protections'} on S3 ` +
    `bucket ${quoted(requestString(event, 'bucketName'))}${fromSource(event)}.`,
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'Objects in the bucket are no longer protected against overwrite and deletion. Ask the owner whether it was ' +
    'planned (cost control on a scratch bucket). If not: re-enable versioning (`put-bucket-versioning ' +
    '--versioning-configuration Status=Enabled`; MFA delete can only be re-enabled by the root user with its MFA ' +
    'device), then watch for what usually follows: mass `DeleteObject(s)`, `CopyObject` with a foreign KMS key, or ' +
    'ransom notes uploaded. Quarantine the principal if it was not planned. Consider S3 Object Lock for buckets ' +
    'that must never lose data. TrailGuard has no automatic remediation for this rule.',
  falsePositives: [
    'Suspending versioning on scratch or cache buckets to control storage cost.',
    'Infrastructure-as-code creating buckets with versioning explicitly suspended.',
  ],
  stratus: [],
  references: {
    panther: ['AWS.S3.SuspendVersioning', 'AWS.S3.DisableMfaDelete', 'AWS.S3.SecurityControlDisabling'],
    sigma: ['AWS S3 Bucket Versioning Disable'],
  },
};
