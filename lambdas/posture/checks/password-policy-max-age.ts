import type { PostureCheck } from '../types';
import { evaluatePolicyFacet, POLICY_RUNBOOK_SUFFIX } from './password-policy-support';

/**
 * Password expiry. CIS dropped it after v1.2.0 (following NIST SP 800-63B, forced rotation is no longer advised);
 * it stays here because Security Hub IAM.17 and many audit frameworks still ask for it. Set the mode to `off` if
 * your policy follows NIST.
 */
export const passwordPolicyMaxAge: PostureCheck = {
  id: 'posture.password-policy-max-age',
  title: 'Password policy does not expire passwords in time',
  description: 'The account password policy must expire passwords within N days (CIS v1.2.0: 90) or less.',
  severity: 'low',
  controls: [
    { framework: 'cis-v1.2.0', id: '1.11' },
    { framework: 'security-hub', id: 'IAM.17' },
  ],
  defaultMode: 'alert',
  setting: {
    kind: 'threshold',
    default: 90,
    min: 1,
    max: 1095,
    unit: 'days',
    meaning: 'the longest password lifetime the account policy may allow',
  },
  runbook: `Expire passwords after at most 90 days: --max-password-age 90. ${POLICY_RUNBOOK_SUFFIX}`,
  evaluate(snapshot, { threshold }) {
    return evaluatePolicyFacet(snapshot, (policy) => {
      const age = policy.maxPasswordAge;
      return {
        passed: age !== undefined && age <= threshold,
        detail:
          age === undefined
            ? `passwords never expire (baseline ${threshold} days)`
            : `passwords expire after ${age} days (baseline ${threshold})`,
        value: `max-age-${age ?? 'never'}`,
      };
    });
  },
};
