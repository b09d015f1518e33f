import { parseArgs } from 'node:util';
import type { Rule } from '../../lambdas/engine/types';
import { catalog } from '../../lambdas/rules';
import { noRemediation } from '../../lambdas/rules/helpers';
import { type Command, UsageError } from '../types';

/**
 * Whether the rule can plan remediation steps. A plan is computed per event (from the principal and resources in
 * it), so the catalog cannot list the actions without an event; what it can say honestly is whether the rule has
 * a remediation at all. Rules that use the shared `noRemediation` never plan anything. The plans a rule makes on
 * its own fixtures are shown by `trailguard rules test`.
 */
export function canRemediate(rule: Rule): boolean {
  return rule.remediation !== undefined && rule.remediation !== noRemediation;
}

/** The machine-readable metadata of a rule, as `rules list --format json` prints it. */
export function ruleJson(rule: Rule) {
  return {
    id: rule.id,
    title: rule.title,
    severity: rule.severity,
    attack: rule.attack,
    stratus: rule.stratus ?? [],
    references: {
      panther: rule.references?.panther ?? [],
      sigma: rule.references?.sigma ?? [],
      disagreements: rule.references?.disagreements ?? [],
    },
    threshold: rule.threshold
      ? {
          count: rule.threshold.count,
          windowSeconds: rule.threshold.windowSeconds,
          groupBy: rule.threshold.groupByLabel,
        }
      : null,
    sequence: rule.sequence
      ? { first: rule.sequence.firstLabel, withinSeconds: rule.sequence.withinSeconds }
      : null,
    remediation: canRemediate(rule),
    mode: rule.defaultMode,
  };
}

export const rulesList: Command = {
  usage: 'trailguard rules list [--format table|json]',
  async run({ args, out }) {
    const { values } = parseArgs({
      args: [...args],
      options: { format: { type: 'string', default: 'table' } },
    });
    if (values.format === 'json') {
      out(JSON.stringify(catalog.map(ruleJson), null, 2));
      return 0;
    }
    if (values.format !== 'table')
      throw new UsageError(`--format must be table or json, got "${values.format}"`);
    const rows = catalog.map((r) => [
      r.id,
      r.severity,
      r.defaultMode,
      r.threshold
        ? `${r.threshold.count}/${r.threshold.windowSeconds}s`
        : r.sequence
          ? `seq ${r.sequence.withinSeconds}s`
          : '',
      r.title,
    ]);
    const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => (row[i] ?? '').length), 4));
    out(
      ['ID', 'SEVERITY', 'MODE', 'THRESHOLD', 'TITLE']
        .map((h, i) => h.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    );
    for (const row of rows)
      out(
        row
          .map((c, i) => c.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd(),
      );
    return 0;
  },
};
