import type { Rule } from '../../engine/types';
import { actorLabel, fromSource, inRegion, isAwsServiceActor, noRemediation } from '../helpers';

export const rule: Rule = {
  id: 'ebs.default-encryption-disabled',
  title: 'EBS encryption by default turned off',
  description:
    'A successful `DisableEbsEncryptionByDefault`. New EBS volumes (and snapshots copied from them) in the region ' +
    'are then created unencrypted unless each request asks otherwise, and an unencrypted snapshot can be shared ' +
    'publicly or with any account, which an encrypted one under a customer managed key cannot without the key. ' +
    'It is a common preparation for exfiltrating disks.',
  severity: 'medium',
  attack: ['T1562.001'],
  match: {
    eventSource: ['ec2.amazonaws.com'],
    eventName: ['DisableEbsEncryptionByDefault'],
    errorCode: [{ exists: false }],
  },
  predicate: (event) => !isAwsServiceActor(event),
  summarize: (event) =>
    `${actorLabel(event)} turned off EBS encryption by default${inRegion(event)}${fromSource(event)}.`,
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'New volumes in this region are no longer encrypted automatically. Ask the account owner whether it was ' +
    'planned (rarely is: encryption by default has no performance cost). Respond: turn it back on ' +
    '(`aws ec2 enable-ebs-encryption-by-default`), then look for volumes and snapshots created unencrypted since ' +
    'the change (`describe-volumes --filters Name=encrypted,Values=false`) and for snapshot sharing ' +
    '(`ModifySnapshotAttribute`) by the same principal. Enforce it with an SCP denying ' +
    '`ec2:DisableEbsEncryptionByDefault` or an AWS Config rule. TrailGuard has no automatic remediation for this ' +
    'rule.',
  falsePositives: [
    'Legacy tooling or marketplace products that cannot handle encrypted volumes (rare today).',
    'Test accounts where a team deliberately turns it off.',
  ],
  stratus: [],
  references: { panther: ['AWS.EC2.EBS.Encryption.Disabled'], sigma: ['AWS EC2 Disable EBS Encryption'] },
};
