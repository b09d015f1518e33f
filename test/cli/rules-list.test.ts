import { describe, expect, it } from 'vitest';
import { canRemediate } from '../../cli/commands/rules-list';
import { catalog, getRule } from '../../lambdas/rules';
import { runCli } from '../support/cli';

describe('trailguard rules list --format json', () => {
  it('gives every rule its id, title, severity, ATT&CK, Stratus, references, threshold, sequence, remediation and mode', async () => {
    // Act
    const { code, out } = await runCli('rules', 'list', '--format', 'json');

    // Assess
    expect(code).toBe(0);
    const rules = JSON.parse(out) as Record<string, unknown>[];
    expect(rules).toHaveLength(catalog.length);
    for (const r of rules) {
      expect(Object.keys(r).sort()).toEqual(
        [
          'attack',
          'id',
          'mode',
          'references',
          'remediation',
          'sequence',
          'severity',
          'stratus',
          'threshold',
          'title',
        ].sort(),
      );
      expect(Object.keys(r.references as object).sort()).toEqual(['disagreements', 'panther', 'sigma']);
      expect(typeof r.remediation).toBe('boolean');
    }
    expect(rules.find((r) => r.id === 'signin.console-login-failures')).toMatchObject({
      threshold: {
        count: 5,
        windowSeconds: 300,
        groupBy: getRule('signin.console-login-failures')?.threshold?.groupByLabel,
      },
      sequence: null,
    });
  });

  it('says a rule can remediate only when it has a remediation other than the shared no-op', async () => {
    // Act
    const rules = JSON.parse((await runCli('rules', 'list', '--format', 'json')).out) as {
      id: string;
      remediation: boolean;
    }[];
    const remediation = (id: string) => rules.find((r) => r.id === id)?.remediation;

    // Assess
    expect(remediation('iam.admin-policy-attached')).toBe(true);
    expect(remediation('cloudtrail.logging-stopped')).toBe(true);
    expect(remediation('root.account-used')).toBe(false);
    expect(remediation('signin.console-login-without-mfa')).toBe(false);
    const root = getRule('root.account-used');
    expect(root && canRemediate({ ...root, remediation: undefined })).toBe(false);
  });
});
