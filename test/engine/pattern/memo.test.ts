import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePattern } from '../../../lambdas/engine/pattern/match';

const operators = [
  { wildcard: '*Scout*' },
  { wildcard: 'aws-cli/*linux*' },
  { prefix: 'Boto3/' },
  { suffix: '.exe' },
  { 'equals-ignore-case': 'PACU' },
];

describe('leaves with many string operators', () => {
  it('give the same verdict as their operators one by one, for repeated, fresh and very long values', () => {
    // Prepare
    const many = compilePattern({ userAgent: operators });
    const single = operators.map((op) => compilePattern({ userAgent: [op] }));
    const value = fc.oneof(
      fc.constantFrom('ScoutSuite/5', 'aws-cli/2 os/linux', 'Boto3/1.35', 'evil.exe', 'pacu', 'Mozilla/5.0'),
      fc.string({ maxLength: 40 }),
      fc.string({ minLength: 1100, maxLength: 1200 }).map((s) => `${s}Scout`),
    );
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 700 }), (values) => {
        for (const userAgent of values) {
          // Act
          const verdict = many({ userAgent });
          // Assess
          expect(verdict).toBe(single.some((test) => test({ userAgent })));
        }
      }),
      { numRuns: 30 },
    );
  });
});
