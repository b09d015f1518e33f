import type { PostureCheck } from '../types';
import { evaluatePolicyFacet, POLICY_RUNBOOK_SUFFIX } from './password-policy-support';

export const passwordPolicyReusePrevention: PostureCheck = {
  id: 'posture.password-policy-reuse-prevention',
  title: 'Password policy allows password reuse',
  description:
    'The account password policy must prevent reuse of the last N passwords (CIS: 24, the IAM maximum).',
  severity: 'low',
  controls: [
    { framework: 'cis-v3.0.0', id: '1.9' },
    { framework: 'security-hub', id: 'IAM.16' },
  ],
  defaultMode: 'alert',
  setting: {
    kind: 'threshold',
    default: 24,
    min: 1,
    max: 24,
    unit: 'passwords',
    meaning: 'how many previous passwords the account policy must prevent reusing, at least',
  },
  runbook: `Prevent reuse of the last 24 passwords: --password-reuse-prevention 24. ${POLICY_RUNBOOK_SUFFIX}`,
  evaluate(snapshot, { threshold }) {
    return evaluatePolicyFacet(snapshot, (policy) => {
      const remembered = policy.passwordReusePrevention;
      return {
        passed: remembered !== undefined && remembered >= threshold,
        detail: `password reuse prevention ${remembered ?? 'not set'} (baseline ${threshold})`,
        value: `reuse-${remembered ?? 'unset'}`,
      };
    });
  },
};
