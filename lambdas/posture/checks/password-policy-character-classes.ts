import type { CharacterClass, PasswordPolicy, PostureCheck } from '../types';
import { evaluatePolicyFacet, POLICY_RUNBOOK_SUFFIX } from './password-policy-support';

const REQUIRES: Record<CharacterClass, (policy: PasswordPolicy) => boolean> = {
  uppercase: (p) => p.requireUppercaseCharacters,
  lowercase: (p) => p.requireLowercaseCharacters,
  numbers: (p) => p.requireNumbers,
  symbols: (p) => p.requireSymbols,
};

const FLAGS: Record<CharacterClass, string> = {
  uppercase: '--require-uppercase-characters',
  lowercase: '--require-lowercase-characters',
  numbers: '--require-numbers',
  symbols: '--require-symbols',
};

/** Character classes. CIS v1.2.0 1.5-1.8; later CIS versions dropped them (NIST SP 800-63B), Security Hub kept them. */
export const passwordPolicyCharacterClasses: PostureCheck = {
  id: 'posture.password-policy-character-classes',
  title: 'Password policy does not require the baseline character classes',
  description:
    'The account password policy must require the baseline character classes (default: uppercase, lowercase, ' +
    'numbers and symbols).',
  severity: 'medium',
  controls: [
    { framework: 'cis-v1.2.0', id: '1.5' },
    { framework: 'cis-v1.2.0', id: '1.6' },
    { framework: 'cis-v1.2.0', id: '1.7' },
    { framework: 'cis-v1.2.0', id: '1.8' },
    { framework: 'security-hub', id: 'IAM.11' },
    { framework: 'security-hub', id: 'IAM.12' },
    { framework: 'security-hub', id: 'IAM.13' },
    { framework: 'security-hub', id: 'IAM.14' },
  ],
  defaultMode: 'alert',
  setting: { kind: 'character-classes', default: ['uppercase', 'lowercase', 'numbers', 'symbols'] },
  runbook: `Require the missing classes: ${Object.values(FLAGS).join(' ')}. ${POLICY_RUNBOOK_SUFFIX}`,
  evaluate(snapshot, { requiredClasses }) {
    return evaluatePolicyFacet(snapshot, (policy) => {
      const missing = requiredClasses.filter((c) => !REQUIRES[c](policy));
      return {
        passed: missing.length === 0,
        detail:
          missing.length === 0
            ? `requires ${requiredClasses.join(', ') || 'no particular class'}`
            : `does not require ${missing.join(', ')}`,
        value: `missing-${missing.join('+') || 'none'}`,
      };
    });
  },
};
