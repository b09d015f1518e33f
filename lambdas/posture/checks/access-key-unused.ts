import type { CheckResult, PostureCheck } from '../types';
import {
  accessKeyIdFor,
  activeKeys,
  day,
  daysBetween,
  describeUse,
  disableKeyPlan,
  keyLabel,
  result,
  userFacts,
  userSubject,
} from './support';

/**
 * An active access key not used for N days, or never used and created more than N days ago. A key nobody uses is
 * pure risk: it grants access and no workload depends on it.
 */
export const accessKeyUnused: PostureCheck = {
  id: 'posture.access-key-unused',
  title: 'Active access key unused for too long',
  description:
    'Active IAM user access keys unused for N days (CIS: 45) or more, or never used since created N days ago, ' +
    'must be disabled.',
  severity: 'medium',
  controls: [
    { framework: 'cis-v3.0.0', id: '1.12', partial: true },
    { framework: 'security-hub', id: 'IAM.22', partial: true },
  ],
  // Enforce: by definition nothing used the key within the window, so deactivating it (reversible, never deleted)
  // is what CIS 1.12 asks for and disrupts no live workload. Protected principals and dry-run still apply.
  defaultMode: 'enforce',
  setting: {
    kind: 'threshold',
    default: 45,
    min: 1,
    max: 3650,
    unit: 'days',
    meaning:
      'an active access key unused for this many days (or never used since created that long ago) is a violation',
  },
  runbook:
    'Confirm nothing needs the key (aws iam get-access-key-last-used; ask its owner), then delete it. In enforce ' +
    'mode TrailGuard deactivates it (never deletes); if something did need it, the outcome email has the one-line ' +
    'undo. Keys used on a longer cycle (quarterly jobs) should move to roles, or their user be protected.',
  evaluate(snapshot, { asOf, threshold }) {
    const results: CheckResult[] = [];
    for (const row of snapshot.users) {
      for (const slot of activeKeys(row)) {
        const keyId = accessKeyIdFor(snapshot, row, slot);
        const use = slot.lastUsed;
        let idle: number | undefined;
        if (use.kind === 'used') idle = daysBetween(use.at, asOf);
        else if (use.kind === 'never' && slot.lastRotated) idle = daysBetween(slot.lastRotated, asOf);
        // Unknown use: no verdict either way.
        if (idle === undefined) continue;
        const passed = idle < threshold;
        const since =
          use.kind === 'never' && slot.lastRotated ? ` since created ${day(slot.lastRotated)}` : '';
        results.push(
          result(
            userSubject(row),
            passed,
            `${keyLabel(slot, keyId)} ${describeUse(use)}${since}: idle ${idle} days (limit ${threshold})`,
            [
              ...userFacts(row),
              keyId ?? `slot-${slot.slot}`,
              slot.lastRotated?.toISOString() ?? 'created-unknown',
              use.kind === 'used' ? use.at.toISOString() : 'never-used',
            ],
            passed ? {} : { accessKeyId: keyId, remediation: disableKeyPlan(row.user, keyId) },
          ),
        );
      }
    }
    return { status: 'evaluated', results };
  },
};
