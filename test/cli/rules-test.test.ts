import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRuleFixtures, testRuleFixtures } from '../../cli/conformance/fixtures';
import { catalog } from '../../lambdas/rules';
import { burstRule, record, sequenceRule, stopRule } from '../conformance/support';
import { runCli } from '../support/cli';

/** Writes `<dir>/<rule>/<kind>/<name>.json` files; a string is written as is (to test broken JSON). */
function fixtures(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'trailguard-fixtures-'));
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, `${path}.json`);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

describe('trailguard rules test', () => {
  it('passes a rule whose fixtures behave and names the actions it planned on them', async () => {
    // Act
    const { code, out } = await runCli('rules', 'test', 'iam.admin-policy-attached', 'root.account-used');

    // Assess
    expect(code).toBe(0);
    expect(out).toMatch(
      /^PASS {2}iam\.admin-policy-attached +\d+\/\d+ positive, \d+\/\d+ negative {2}plans: [a-z., -]+$/m,
    );
    expect(out).toMatch(/plans: .*iam\.quarantine-principal/);
    expect(out).toMatch(/^PASS {2}root\.account-used +\d+\/\d+ positive/m);
    expect(out.split('\n').at(-1)).toBe('2 rules, 2 passed, 0 failed');
  });

  it('reports one line per catalog rule and exits 1 exactly when a rule fails', async () => {
    // Act
    const { code, out } = await runCli('rules', 'test', '--format', 'json');

    // Assess
    const report = JSON.parse(out) as {
      results: { ruleId: string; pass: boolean }[];
      orphanFolders: string[];
      pass: boolean;
    };
    expect(report.results.map((r) => r.ruleId)).toEqual(catalog.map((r) => r.id));
    expect(report.pass).toBe(report.results.every((r) => r.pass) && report.orphanFolders.length === 0);
    expect(code).toBe(report.pass ? 0 : 1);
  });

  it('fails on a positive that does not raise, a negative that does, broken JSON and missing negatives', async () => {
    // Prepare
    const dir = fixtures({
      'cloudtrail.logging-stopped/positive/not-a-stop': record({ eventName: 'StartLogging' }),
      'cloudtrail.logging-stopped/positive/broken': '{ "eventName": ',
      'cloudtrail.logging-stopped/negative/actually-a-stop': record({ eventName: 'StopLogging' }),
      'cloudtrail.logging-stopped/negative/no-event-name': { eventSource: 'cloudtrail.amazonaws.com' },
      'root.account-used/positive/root': record({ userIdentity: { type: 'Root' } }),
    });

    // Act
    const { code, out } = await runCli(
      'rules',
      'test',
      'cloudtrail.logging-stopped',
      'root.account-used',
      '--fixtures',
      dir,
    );

    // Assess
    expect(code).toBe(1);
    expect(out).toContain('FAIL  cloudtrail.logging-stopped  0/2 positive, 0/2 negative');
    expect(out).toContain('      positive/not-a-stop: did not raise the rule');
    expect(out).toContain('      positive/broken: not JSON:');
    expect(out).toContain('      negative/actually-a-stop: raised the rule, expected nothing');
    expect(out).toContain(
      '      negative/no-event-name: field "eventTime" must be a non-empty string, got nothing',
    );
    expect(out).toContain('FAIL  root.account-used');
    expect(out).toContain('      negative/: no fixtures');
    expect(out.split('\n').at(-1)).toBe('2 rules, 0 passed, 2 failed');
  });

  it('exits 2 naming close ids for an unknown rule', async () => {
    const { code, err } = await runCli('rules', 'test', 'iam.admin-polcy');
    expect(code).toBe(2);
    expect(err).toContain('did you mean iam.admin-policy-attached');
  });
});

describe('testRuleFixtures', () => {
  it('judges threshold rules per counted event and sequence rules on their second step, and finds orphan folders', async () => {
    // Prepare
    const dir = fixtures({
      'test.denied-burst/positive/one-denial': record({ errorCode: 'AccessDenied' }),
      'test.denied-burst/negative/no-principal': record({
        errorCode: 'AccessDenied',
        userIdentity: { type: 'IAMUser' },
      }),
      'test.user-then-key/positive/key': record({
        eventSource: 'iam.amazonaws.com',
        eventName: 'CreateAccessKey',
        requestParameters: { userName: 'b' },
      }),
      'test.user-then-key/negative/user-alone': record({
        eventSource: 'iam.amazonaws.com',
        eventName: 'CreateUser',
        requestParameters: { userName: 'b' },
      }),
      'test.gone/positive/x': record({}),
    });

    // Act
    const report = await testRuleFixtures([burstRule, sequenceRule, stopRule], loadRuleFixtures(dir));

    // Assess
    expect(report.results.map((r) => [r.ruleId, r.judgement, r.pass])).toEqual([
      ['test.denied-burst', 'threshold-count', true],
      ['test.user-then-key', 'sequence-second-step', true],
      ['test.stop-logging', 'event', false],
    ]);
    expect(report.orphanFolders).toEqual(['test.gone']);
    expect(report.pass).toBe(false);
  });
});
