/**
 * Runs every rule's own fixture events (test/fixtures/rules/<rule-id>/{positive,negative}/*.json) through the
 * engine: a positive fixture must raise the rule on its own (thresholds: the event counts toward the threshold;
 * sequences: the event is the second step), a negative one must not. Used by `trailguard rules test`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ActionId, Rule } from '../../lambdas/engine/types';
import { REPO_ROOT } from './corpus';
import { type Judgement, judgeEvent, judgementOf, parseRecords } from './judge';

export const DEFAULT_FIXTURES_DIR = join(REPO_ROOT, 'test', 'fixtures', 'rules');

export type FixtureKind = 'positive' | 'negative';

export interface RuleFixture {
  readonly kind: FixtureKind;
  /** File name without `.json`. */
  readonly name: string;
  /** The parsed JSON, or the parse error. */
  readonly event?: unknown;
  readonly parseError?: string;
}

/** Fixtures per rule id (folder name), read from `dir`. A missing `dir` gives an empty map. */
export function loadRuleFixtures(dir: string): Map<string, RuleFixture[]> {
  const byRule = new Map<string, RuleFixture[]>();
  if (!existsSync(dir)) return byRule;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const fixtures: RuleFixture[] = [];
    for (const kind of ['positive', 'negative'] as const) {
      const kindDir = join(dir, entry.name, kind);
      if (!existsSync(kindDir)) continue;
      for (const file of readdirSync(kindDir)
        .filter((f) => f.endsWith('.json'))
        .sort()) {
        const name = file.replace(/\.json$/, '');
        try {
          fixtures.push({
            kind,
            name,
            event: JSON.parse(readFileSync(join(kindDir, file), 'utf8')) as unknown,
          });
        } catch (error) {
          fixtures.push({ kind, name, parseError: (error as Error).message });
        }
      }
    }
    byRule.set(entry.name, fixtures);
  }
  return byRule;
}

export interface FixtureFailure {
  readonly fixture: string;
  readonly problem: string;
}

export interface RuleTestResult {
  readonly ruleId: string;
  readonly judgement: Judgement;
  readonly positives: { readonly passed: number; readonly total: number };
  readonly negatives: { readonly passed: number; readonly total: number };
  readonly failures: readonly FixtureFailure[];
  /** Remediation actions the rule planned on its positive fixtures. */
  readonly plannedActions: readonly ActionId[];
  readonly pass: boolean;
}

export interface FixtureTestReport {
  readonly results: readonly RuleTestResult[];
  /** Fixture folders with no rule of that id. */
  readonly orphanFolders: readonly string[];
  readonly pass: boolean;
}

async function testRule(rule: Rule, fixtures: readonly RuleFixture[]): Promise<RuleTestResult> {
  const failures: FixtureFailure[] = [];
  const actions = new Set<ActionId>();
  const tally = { positive: { passed: 0, total: 0 }, negative: { passed: 0, total: 0 } };
  if (!fixtures.some((f) => f.kind === 'positive'))
    failures.push({ fixture: 'positive/', problem: 'no fixtures' });
  if (!fixtures.some((f) => f.kind === 'negative'))
    failures.push({ fixture: 'negative/', problem: 'no fixtures' });
  for (const fixture of fixtures) {
    const label = `${fixture.kind}/${fixture.name}`;
    tally[fixture.kind].total += 1;
    if (fixture.parseError !== undefined) {
      failures.push({ fixture: label, problem: `not JSON: ${fixture.parseError}` });
      continue;
    }
    const { records, rejected } = parseRecords([{ name: label, events: [fixture.event] }]);
    const record = records[0]?.record;
    if (record === undefined) {
      const problem = rejected[0]?.problem.replace(`${rejected[0].where}: `, '');
      failures.push({ fixture: label, problem: problem ?? 'not a CloudTrail record' });
      continue;
    }
    const verdict = await judgeEvent([rule], record);
    if (verdict.errors.length > 0) {
      failures.push({ fixture: label, problem: verdict.errors.map((e) => e.message).join('; ') });
      continue;
    }
    const raised = verdict.findings.length > 0;
    if (raised === (fixture.kind === 'positive')) tally[fixture.kind].passed += 1;
    else
      failures.push({
        fixture: label,
        problem: raised ? 'raised the rule, expected nothing' : 'did not raise the rule',
      });
    for (const finding of verdict.findings) for (const step of finding.remediation) actions.add(step.action);
  }
  return {
    ruleId: rule.id,
    judgement: judgementOf(rule),
    positives: tally.positive,
    negatives: tally.negative,
    failures,
    plannedActions: [...actions].sort(),
    pass: failures.length === 0,
  };
}

/** Tests `rules` against their fixtures in `byRule`; every rule needs positive and negative fixtures. */
export async function testRuleFixtures(
  rules: readonly Rule[],
  byRule: ReadonlyMap<string, readonly RuleFixture[]>,
  options: { reportOrphans?: boolean } = {},
): Promise<FixtureTestReport> {
  const results: RuleTestResult[] = [];
  for (const rule of rules) results.push(await testRule(rule, byRule.get(rule.id) ?? []));
  const ids = new Set(rules.map((r) => r.id));
  const orphanFolders =
    options.reportOrphans === false ? [] : [...byRule.keys()].filter((id) => !ids.has(id)).sort();
  return {
    results,
    orphanFolders,
    pass: results.every((r) => r.pass) && orphanFolders.length === 0,
  };
}
