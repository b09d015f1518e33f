import { describe, expect, it } from 'vitest';
import { closeMatches, describeRule } from '../../cli/commands/rules-show';
import { getRule } from '../../lambdas/rules';
import { burstRule, rootRule, sequenceRule } from '../conformance/support';
import { runCli } from '../support/cli';

describe('trailguard rules show', () => {
  it('prints everything about a rule: metadata, pattern, threshold, disagreements, false positives, runbook', async () => {
    // Prepare
    const rule = getRule('iam.access-denied-burst');

    // Act
    const { code, out } = await runCli('rules', 'show', 'iam.access-denied-burst');

    // Assess
    expect(code).toBe(0);
    expect(out).toContain('iam.access-denied-burst: Burst of access-denied errors from one principal');
    expect(out).toMatch(/severity {8}medium/);
    expect(out).toContain('"errorCode": [');
    expect(out).toContain('Deliberate disagreements with Panther (2)');
    expect(out).toContain(
      'AWS.IAMUser.ReconAccessDenied | Unauthorized API Call: the event carries invokedBy',
    );
    expect(out).toContain('False positives');
    expect(out).toContain('Runbook');
    // Wrapped, but every word of the runbook is there.
    const words = (text: string) => text.split(/\s+/).filter((w) => w.length > 0);
    const flat = words(out).join(' ');
    expect(flat).toContain(words(rule?.runbook ?? '').join(' '));
    expect(flat).toContain(`Threshold: 10 matching events within 300 s per ${rule?.threshold?.groupByLabel}`);
    for (const line of out.split('\n').filter((l) => !l.includes('"')))
      expect(line.length).toBeLessThanOrEqual(100);
  });

  it('prints the rule as JSON with its pattern, runbook and disagreements when asked for json', async () => {
    // Act
    const { code, out } = await runCli('rules', 'show', 'account.region-enabled', '--format', 'json');

    // Assess
    expect(code).toBe(0);
    const shown = JSON.parse(out) as Record<string, unknown>;
    expect(shown).toMatchObject({
      id: 'account.region-enabled',
      severity: 'medium',
      mode: 'alert',
      remediation: false,
      predicate: true,
      threshold: null,
      sequence: null,
      match: getRule('account.region-enabled')?.match,
      references: {
        disagreements: [{ panther: 'AWS.CloudTrail.EnableRegion', test: 'EnableRegion' }],
      },
    });
    expect(shown.runbook).toBe(getRule('account.region-enabled')?.runbook);
    expect(shown.falsePositives).toEqual(getRule('account.region-enabled')?.falsePositives);
  });

  it('describes a sequence rule with its first step', () => {
    const text = describeRule(sequenceRule).join('\n');
    expect(text).toContain(
      'Sequence: first "CreateUser", then this rule\'s match, with the same key, within 300 s',
    );
    expect(text).toContain('"CreateUser"');
    expect(describeRule(burstRule).join('\n')).toContain(
      'Threshold: 3 matching events within 60 s per principal ARN',
    );
    expect(describeRule(rootRule).join('\n')).toContain('Deliberate disagreements with Panther (3)');
  });

  it('exits 2 naming the closest rule ids when the id is unknown', async () => {
    // Act
    const typo = await runCli('rules', 'show', 'root.acount-used');
    const nothing = await runCli('rules', 'show', 'zzzz');
    const none = await runCli('rules', 'show');

    // Assess
    expect(typo.code).toBe(2);
    expect(typo.err).toContain('unknown rule "root.acount-used"; did you mean root.account-used?');
    expect(nothing.code).toBe(2);
    expect(nothing.err).toContain('`trailguard rules list` shows every rule');
    expect(none.code).toBe(2);
    expect(none.err).toContain('give exactly one rule id');
  });
});

describe('closeMatches', () => {
  const ids = [
    'iam.admin-policy-attached',
    'iam.access-denied-burst',
    'root.account-used',
    'cloudtrail.logging-stopped',
  ];

  it('finds ids by typo, by a word they contain and by the start of their name', () => {
    expect(closeMatches('root.acount-used', ids)).toEqual(['root.account-used']);
    expect(closeMatches('stopped', ids)).toEqual(['cloudtrail.logging-stopped']);
    expect(closeMatches('iam.admin-polcy', ids)).toEqual(['iam.admin-policy-attached']);
  });

  it('finds nothing for an unrelated or empty query', () => {
    expect(closeMatches('kms.key-deleted', ids)).toEqual([]);
    expect(closeMatches('  ', ids)).toEqual([]);
  });
});
