import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  fromSource,
  isAwsServiceActor,
  quarantineActor,
  quoted,
  requestString,
} from '../helpers';

/**
 * File names ransomware leaves behind, matched on the object's base name: anything with "ransom", and
 * instruction-style names combining decrypt/recover/restore with files/data/instructions/readme/how
 * (`HOW_TO_DECRYPT_FILES.txt`, `README-RECOVER-DATA.html`, `restore_your_files.md`).
 */
const RANSOM = /ransom/i;
const INSTRUCTION = /(decrypt|recover|restore|unlock)/i;
const SUBJECT = /(files|data|instructions|readme|read_me|read-me|how[-_ ]?to|your)/i;
const NOTE_EXTENSION = /\.(txt|html?|md|rtf)$|^[^.]+$/i;

export function ransomNoteName(event: CloudTrailRecord): string | undefined {
  if (isAwsServiceActor(event)) return undefined;
  const key = requestString(event, 'key');
  if (key === undefined || key.length > 1024) return undefined;
  const base = key.slice(key.lastIndexOf('/') + 1);
  if (base.length === 0 || base.length > 128 || !NOTE_EXTENSION.test(base)) return undefined;
  const note = RANSOM.test(base) || (INSTRUCTION.test(base) && SUBJECT.test(base));
  return note ? base : undefined;
}

export const rule: Rule = {
  id: 's3.ransom-note-uploaded',
  title: 'Ransom note uploaded to S3',
  description:
    'A successful `PutObject` of a text or HTML file whose name looks like a ransom note: it contains "ransom", ' +
    'or combines decrypt/recover/restore/unlock with files/data/instructions/readme/how-to ' +
    '(`HOW_TO_DECRYPT_FILES.txt`). Ransomware groups that delete or encrypt S3 data leave such a note in the ' +
    'bucket; it is often the first visible sign. Needs S3 data events (write) in the trail.',
  severity: 'high',
  attack: ['T1486', 'T1485'],
  match: {
    eventSource: ['s3.amazonaws.com'],
    eventName: ['PutObject'],
    errorCode: [{ exists: false }],
  },
  predicate: (event) => ransomNoteName(event) !== undefined,
  summarize: (event) =>
    `${actorLabel(event)} uploaded what looks like a ransom note, ${quoted(ransomNoteName(event))}, to S3 bucket ` +
    `${quoted(requestString(event, 'bucketName'))}${fromSource(event)}.`,
  remediation: (event) => quarantineActor(event, 'it uploaded a ransom note'),
  defaultMode: 'alert',
  runbook:
    'Read the note (it usually names the attacker’s contact and what they claim to have taken or encrypted) but ' +
    'do not contact them before your incident process says so. Quarantine the principal (TrailGuard does in ' +
    '`enforce` mode) and deactivate its keys. Assess the damage: deleted objects and versions (`DeleteObject(s)`), ' +
    're-encryption (`CopyObject` with SSE-C or a foreign KMS key), versioning or lifecycle changes, and data copied ' +
    'out. Restore from versions, replicas or AWS Backup; preserve CloudTrail logs for the investigation.',
  falsePositives: [
    'Documentation buckets holding files such as "restore-instructions.md" or "how-to-recover-data.txt".',
    'Security exercises that plant a note on purpose.',
  ],
  stratus: [],
  references: { panther: ['AWS.S3.RansomwareNoteUpload'], sigma: [] },
};
