import type { CheckResult, PostureCheck } from '../types';
import { day, daysBetween, describeUse, result, userFacts, userSubject } from './support';

/** A console password not used for N days, or never used and set more than N days ago. */
export const passwordUnused: PostureCheck = {
  id: 'posture.password-unused',
  title: 'Console password unused for too long',
  description:
    'IAM user console passwords unused for N days (CIS: 45) or more, or never used since set N days ago, must be ' +
    'disabled.',
  severity: 'medium',
  controls: [
    { framework: 'cis-v3.0.0', id: '1.12', partial: true },
    { framework: 'security-hub', id: 'IAM.22', partial: true },
  ],
  // Alert only: removing a login profile deletes the password (it cannot be restored, only reset), which is more
  // than "disable"; a person decides.
  defaultMode: 'alert',
  setting: {
    kind: 'threshold',
    default: 45,
    min: 1,
    max: 3650,
    unit: 'days',
    meaning:
      'a console password unused for this many days (or never used since set that long ago) is a violation',
  },
  runbook:
    'Ask the user whether they still need console access. If not, remove it: aws iam delete-login-profile ' +
    '--user-name <user>. People who need the console should sign in through IAM Identity Center instead.',
  evaluate(snapshot, { asOf, threshold }) {
    const results: CheckResult[] = [];
    for (const row of snapshot.users) {
      if (row.passwordEnabled !== true) continue;
      const use = row.passwordLastUsed;
      const setAt = row.passwordLastChanged ?? row.userCreationTime;
      let idle: number | undefined;
      if (use.kind === 'used') idle = daysBetween(use.at, asOf);
      else if (use.kind === 'never' && setAt) idle = daysBetween(setAt, asOf);
      if (idle === undefined) continue;
      const passed = idle < threshold;
      const since = use.kind === 'never' && setAt ? ` since set ${day(setAt)}` : '';
      results.push(
        result(
          userSubject(row),
          passed,
          `console password ${describeUse(use)}${since}: idle ${idle} days (limit ${threshold})`,
          [
            ...userFacts(row),
            setAt?.toISOString() ?? 'set-unknown',
            use.kind === 'used' ? use.at.toISOString() : 'never-used',
          ],
        ),
      );
    }
    return { status: 'evaluated', results };
  },
};
