import { parseArgs } from 'node:util';
import type { Rule } from '../../lambdas/engine/types';
import { catalog, getRule } from '../../lambdas/rules';
import { type Command, UsageError } from '../types';
import { canRemediate, ruleJson } from './rules-list';

const WIDTH = 100;

/** Edit distance (insertions, deletions, substitutions), for "did you mean". */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * Rule ids close to `wanted`: containing it (or its name part), or within a few edits of the id, of its name part
 * or of the beginning of its name part. At most `limit`, closest first.
 */
export function closeMatches(wanted: string, ids: readonly string[], limit = 5): string[] {
  const query = wanted.trim().toLowerCase();
  if (query === '') return [];
  const name = query.includes('.') ? query.slice(query.indexOf('.') + 1) : query;
  const scored = ids.map((id) => {
    const idName = id.slice(id.indexOf('.') + 1);
    // A typo in the first words of a long id ("iam.admin-polcy") is close to that id's beginning.
    const prefix = Math.min(
      ...[name.length - 1, name.length, name.length + 1].map((n) => editDistance(name, idName.slice(0, n))),
    );
    const distance = Math.min(editDistance(query, id), editDistance(name, idName), prefix + 1);
    const contains = id.includes(query) || (name.length >= 3 && idName.includes(name));
    return { id, score: contains ? 0 : distance };
  });
  const allowed = Math.max(1, Math.floor(name.length / 4));
  const family = query.includes('.') ? query.slice(0, query.indexOf('.') + 1) : undefined;
  const sameFamily = (id: string) => (family !== undefined && id.startsWith(family) ? 0 : 1);
  return scored
    .filter((s) => s.score <= allowed)
    .sort((a, b) => a.score - b.score || sameFamily(a.id) - sameFamily(b.id) || (a.id < b.id ? -1 : 1))
    .slice(0, limit)
    .map((s) => s.id);
}

/** A usage error for an unknown rule id, naming the closest ids. */
export function unknownRule(id: string): UsageError {
  const close = closeMatches(
    id,
    catalog.map((r) => r.id),
  );
  return new UsageError(
    `unknown rule "${id}"` +
      (close.length > 0
        ? `; did you mean ${close.join(', ')}?`
        : '; `trailguard rules list` shows every rule'),
  );
}

function wrap(text: string, indent = '  '): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\n+/)) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter((w) => w.length > 0)) {
      if (line.length > 0 && indent.length + line.length + 1 + word.length > WIDTH) {
        lines.push(`${indent}${line}`);
        line = word;
      } else {
        line = line.length > 0 ? `${line} ${word}` : word;
      }
    }
    if (line.length > 0) lines.push(`${indent}${line}`);
  }
  return lines;
}

function json(value: unknown): string[] {
  return JSON.stringify(value, null, 2)
    .split('\n')
    .map((l) => `  ${l}`);
}

/** Everything about a rule, for people. */
export function describeRule(rule: Rule): string[] {
  const list = (items: readonly string[]) => (items.length > 0 ? items.join(', ') : 'none');
  const field = (label: string, value: string) => {
    const [first = '', ...rest] = wrap(value, ' '.repeat(16));
    return [`${label.padEnd(16)}${first.trimStart()}`, ...rest];
  };
  const out = [
    `${rule.id}: ${rule.title}`,
    '',
    ...field('severity', rule.severity),
    ...field('default mode', rule.defaultMode),
    ...field('ATT&CK', list(rule.attack)),
    ...field(
      'remediation',
      canRemediate(rule)
        ? 'plans steps per event (run in enforce mode, recorded in dry-run)'
        : 'none (alert only)',
    ),
    ...field('Stratus', list(rule.stratus ?? [])),
    ...field('Panther', list(rule.references?.panther ?? [])),
    ...field('Sigma', list(rule.references?.sigma ?? [])),
    '',
    'Description',
    ...wrap(rule.description),
    '',
    'Match (EventBridge event pattern over the CloudTrail record)',
    ...json(rule.match),
    rule.predicate
      ? 'Predicate: yes, further conditions in code (see the rule file and its description)'
      : 'Predicate: none, the pattern decides',
  ];
  if (rule.threshold) {
    out.push(
      '',
      ...wrap(
        `Threshold: ${rule.threshold.count} matching events within ${rule.threshold.windowSeconds} s per ` +
          `${rule.threshold.groupByLabel} (SSM: <prefix>/rules/${rule.id}/threshold and /window-seconds)`,
        '',
      ),
    );
  }
  if (rule.sequence) {
    out.push(
      '',
      ...wrap(
        `Sequence: first "${rule.sequence.firstLabel}", then this rule's match, with the same key, within ` +
          `${rule.sequence.withinSeconds} s (SSM: <prefix>/rules/${rule.id}/window-seconds)`,
        '',
      ),
      'First step pattern:',
      ...json(rule.sequence.first),
      rule.sequence.firstPredicate ? 'First step predicate: yes' : 'First step predicate: none',
    );
  }
  const disagreements = rule.references?.disagreements ?? [];
  out.push('', `Deliberate disagreements with Panther (${disagreements.length})`);
  for (const d of disagreements) out.push(...wrap(`${d.panther} | ${d.test}: ${d.reason}`));
  out.push('', 'False positives');
  for (const fp of rule.falsePositives) out.push(...wrap(`- ${fp}`));
  out.push('', 'Runbook', ...wrap(rule.runbook));
  return out;
}

export const rulesShow: Command = {
  usage: 'trailguard rules show <rule-id> [--format text|json]',
  async run({ args, out }) {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: { format: { type: 'string', default: 'text' } },
    });
    if (values.format !== 'text' && values.format !== 'json')
      throw new UsageError(`--format must be text or json, got "${values.format}"`);
    if (positionals.length !== 1) throw new UsageError('give exactly one rule id');
    const id = positionals[0] as string;
    const rule = getRule(id);
    if (rule === undefined) throw unknownRule(id);
    if (values.format === 'json') {
      out(
        JSON.stringify(
          {
            ...ruleJson(rule),
            description: rule.description,
            match: rule.match,
            predicate: rule.predicate !== undefined,
            sequence: rule.sequence
              ? {
                  first: rule.sequence.firstLabel,
                  firstPattern: rule.sequence.first,
                  firstPredicate: rule.sequence.firstPredicate !== undefined,
                  withinSeconds: rule.sequence.withinSeconds,
                }
              : null,
            falsePositives: rule.falsePositives,
            runbook: rule.runbook,
          },
          null,
          2,
        ),
      );
      return 0;
    }
    for (const line of describeRule(rule)) out(line);
    return 0;
  },
};
