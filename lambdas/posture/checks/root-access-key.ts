import type { PostureCheck } from '../types';
import { day, result } from './support';

/** Access keys of the root user: unrestricted, unconditional, and cannot be limited by any policy. */
export const rootAccessKey: PostureCheck = {
  id: 'posture.root-access-key',
  title: 'Root user has an access key',
  description: "The account's root user must have no access keys.",
  severity: 'critical',
  controls: [
    { framework: 'cis-v3.0.0', id: '1.4' },
    { framework: 'security-hub', id: 'IAM.4' },
  ],
  // Alert only: IAM cannot act on root keys (only the root user can delete them), and root is always protected.
  defaultMode: 'alert',
  runbook:
    'Sign in as root, open Security credentials and delete the access keys (check first in CloudTrail, ' +
    'userIdentity.type = Root, whether anything still uses them). Root keys cannot be scoped; any workload using ' +
    'them must move to a role.',
  evaluate(snapshot) {
    const subject = {
      kind: 'root' as const,
      name: '<root_account>',
      arn: `arn:${snapshot.partition}:iam::${snapshot.account}:root`,
    };
    if (snapshot.root) {
      const active = snapshot.root.keys.filter((k) => k.active);
      const passed = active.length === 0;
      const created = active.map((k) => (k.lastRotated ? day(k.lastRotated) : `slot ${k.slot}`));
      return {
        status: 'evaluated',
        results: [
          result(
            subject,
            passed,
            passed
              ? 'no active root access key'
              : `${active.length} active root access key(s), created ${created.join(', ')}`,
            ['root', ...active.map((k) => k.lastRotated?.toISOString() ?? `slot-${k.slot}`)],
          ),
        ],
      };
    }
    if (snapshot.accountSummary) {
      const present = snapshot.accountSummary.accessKeysPresent;
      return {
        status: 'evaluated',
        results: [
          result(
            subject,
            !present,
            present
              ? 'the root user has access keys (GetAccountSummary)'
              : 'no root access key (GetAccountSummary)',
            ['root', 'access-keys-present'],
          ),
        ],
      };
    }
    return {
      status: 'not-evaluated',
      reason: 'neither the credential report root row nor GetAccountSummary could be read',
    };
  },
};
