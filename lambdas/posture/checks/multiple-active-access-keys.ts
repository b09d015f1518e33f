import type { PostureCheck } from '../types';
import { accessKeyIdFor, activeKeys, result, userFacts, userSubject } from './support';

/** A user with two active access keys: twice the secrets to leak, and usually a rotation left half-done. */
export const multipleActiveAccessKeys: PostureCheck = {
  id: 'posture.multiple-active-access-keys',
  title: 'More than one active access key',
  description: 'An IAM user must have at most one active access key.',
  severity: 'low',
  controls: [{ framework: 'cis-v3.0.0', id: '1.13' }],
  // Alert only: which of the two keys is still needed is not knowable from IAM alone.
  defaultMode: 'alert',
  runbook:
    'Find which key is still used (aws iam get-access-key-last-used for each), finish the rotation and ' +
    'deactivate, then delete, the other one.',
  evaluate(snapshot) {
    const results = snapshot.users
      .filter((row) => row.keys.some((k) => k.lastRotated !== undefined))
      .map((row) => {
        const active = activeKeys(row);
        const ids = active.map((slot) => accessKeyIdFor(snapshot, row, slot) ?? `slot-${slot.slot}`);
        const passed = active.length <= 1;
        return result(
          userSubject(row),
          passed,
          passed
            ? `${active.length} active access key(s)`
            : `${active.length} active access keys: ${ids.join(', ')}`,
          [...userFacts(row), ...ids],
        );
      });
    return { status: 'evaluated', results };
  },
};
