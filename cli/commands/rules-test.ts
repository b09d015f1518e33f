import { parseArgs } from 'node:util';
import type { Rule } from '../../lambdas/engine/types';
import { catalog, getRule } from '../../lambdas/rules';
import { DEFAULT_FIXTURES_DIR, loadRuleFixtures, testRuleFixtures } from '../conformance/fixtures';
import { type Command, UsageError } from '../types';
import { unknownRule } from './rules-show';

export const rulesTest: Command = {
  usage:
    'trailguard rules test [<rule-id>...] [--fixtures <dir>] [--format table|json]\n\n' +
    'Runs test/fixtures/rules/<rule-id>/{positive,negative}/*.json through the engine: a positive fixture must\n' +
    'raise its rule on its own (threshold rules: the event counts toward the threshold; sequence rules: the\n' +
    'event is the second step), a negative one must not. Exit code 1 when any rule fails or has no fixtures.',
  async run({ args, out }) {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        fixtures: { type: 'string', default: DEFAULT_FIXTURES_DIR },
        format: { type: 'string', default: 'table' },
      },
    });
    if (values.format !== 'table' && values.format !== 'json')
      throw new UsageError(`--format must be table or json, got "${values.format}"`);
    const selected: Rule[] =
      positionals.length === 0
        ? [...catalog]
        : positionals.map((id) => {
            const rule = getRule(id);
            if (rule === undefined) throw unknownRule(id);
            return rule;
          });
    const report = await testRuleFixtures(selected, loadRuleFixtures(values.fixtures), {
      reportOrphans: positionals.length === 0,
    });
    if (values.format === 'json') {
      out(JSON.stringify({ fixtures: values.fixtures, ...report }, null, 2));
      return report.pass ? 0 : 1;
    }
    const width = Math.max(...report.results.map((r) => r.ruleId.length));
    for (const r of report.results) {
      const counts = `${r.positives.passed}/${r.positives.total} positive, ${r.negatives.passed}/${r.negatives.total} negative`;
      const plans = r.plannedActions.length > 0 ? `  plans: ${r.plannedActions.join(', ')}` : '';
      const how = r.judgement === 'event' ? '' : ` (${r.judgement})`;
      out(`${r.pass ? 'PASS' : 'FAIL'}  ${r.ruleId.padEnd(width)}  ${counts}${how}${plans}`);
      for (const f of r.failures) out(`      ${f.fixture}: ${f.problem}`);
    }
    for (const folder of report.orphanFolders)
      out(`FAIL  fixtures for a rule that is not in the catalog: ${folder}`);
    const failed = report.results.filter((r) => !r.pass).length;
    out(
      `${report.results.length} rules, ${report.results.length - failed} passed, ${failed} failed` +
        (report.orphanFolders.length > 0 ? `, ${report.orphanFolders.length} orphan fixture folders` : ''),
    );
    return report.pass ? 0 : 1;
  },
};
