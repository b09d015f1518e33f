import type { CheckResult, PostureCheck } from '../types';
import {
  accessKeyIdFor,
  activeKeys,
  day,
  daysBetween,
  disableKeyPlan,
  keyLabel,
  result,
  userFacts,
  userSubject,
} from './support';

/**
 * An active access key created (or last rotated) more than N days ago. Keys do not expire on their own: an old key
 * has had the longest time to leak through laptops, CI logs and repositories.
 */
export const accessKeyTooOld: PostureCheck = {
  id: 'posture.access-key-too-old',
  title: 'Access key not rotated within the allowed age',
  description: 'Active IAM user access keys must be rotated every N days (CIS: 90) or less.',
  severity: 'medium',
  controls: [
    { framework: 'cis-v3.0.0', id: '1.14' },
    { framework: 'security-hub', id: 'IAM.3' },
  ],
  // Dry run: an old key is often a key in daily use by a workload; disabling it breaks that workload at once, and
  // the fix (rotation) needs its owner. The plan is recorded and reported; switch to enforce once keys rotate.
  defaultMode: 'dry-run',
  setting: {
    kind: 'threshold',
    default: 90,
    min: 1,
    max: 3650,
    unit: 'days',
    meaning: 'an active access key older than this many days is a violation',
  },
  runbook:
    'Rotate the key: create a second key, move the workload to it, confirm the old key is no longer used ' +
    '(aws iam get-access-key-last-used), then deactivate and delete the old key. Long-lived keys should become ' +
    'roles (workloads in AWS) or IAM Identity Center (people). In enforce mode TrailGuard deactivates the key; ' +
    'undo re-activates it.',
  evaluate(snapshot, { asOf, threshold }) {
    const results: CheckResult[] = [];
    for (const row of snapshot.users) {
      for (const slot of activeKeys(row)) {
        if (slot.lastRotated === undefined) continue;
        const keyId = accessKeyIdFor(snapshot, row, slot);
        const age = daysBetween(slot.lastRotated, asOf);
        const passed = age <= threshold;
        results.push(
          result(
            userSubject(row),
            passed,
            `${keyLabel(slot, keyId)} created ${day(slot.lastRotated)}, ${age} days ago (limit ${threshold})`,
            [...userFacts(row), keyId ?? `slot-${slot.slot}`, slot.lastRotated.toISOString()],
            passed ? {} : { accessKeyId: keyId, remediation: disableKeyPlan(row.user, keyId) },
          ),
        );
      }
    }
    return { status: 'evaluated', results };
  },
};
