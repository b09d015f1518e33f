import type { PostureCheck } from '../types';
import { evaluatePolicyFacet, POLICY_RUNBOOK_SUFFIX } from './password-policy-support';

export const passwordPolicyMinLength: PostureCheck = {
  id: 'posture.password-policy-min-length',
  title: 'Password policy minimum length too short',
  description: 'The account password policy must require passwords of at least N characters (CIS: 14).',
  severity: 'medium',
  controls: [
    { framework: 'cis-v3.0.0', id: '1.8' },
    { framework: 'security-hub', id: 'IAM.15' },
  ],
  defaultMode: 'alert',
  setting: {
    kind: 'threshold',
    default: 14,
    min: 6,
    max: 128,
    unit: 'characters',
    meaning: 'the smallest minimum password length the account policy may require',
  },
  runbook: `Raise the minimum password length to the baseline: --minimum-password-length 14. ${POLICY_RUNBOOK_SUFFIX}`,
  evaluate(snapshot, { threshold }) {
    return evaluatePolicyFacet(snapshot, (policy) => {
      const length = policy.minimumPasswordLength;
      return {
        passed: length !== undefined && length >= threshold,
        detail: `minimum password length ${length ?? 'not set'} (baseline ${threshold})`,
        value: `min-length-${length ?? 'unset'}`,
      };
    });
  },
};
