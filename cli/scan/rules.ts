/** Which rules a scan runs (`--rules`, `--min-severity`) and the engine-side filter the readers apply. */
import { DetectionEngine } from '../../lambdas/engine/engine';
import { InMemoryStateStore } from '../../lambdas/engine/state/memory';
import { type CloudTrailRecord, type Rule, SEVERITIES, type Severity } from '../../lambdas/engine/types';
import { catalog } from '../../lambdas/rules';

export class RuleSelectionError extends Error {
  override readonly name = 'RuleSelectionError';
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

/**
 * The catalog rules named by `patterns` (ids or globs with `*`, comma-separated or repeated), at or above
 * `minSeverity`. A pattern that names no rule is an error: a typo must not silently scan with fewer rules.
 */
export function selectRules(patterns: readonly string[], minSeverity: Severity | undefined): Rule[] {
  const wanted = patterns
    .flatMap((p) => p.split(','))
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  let rules: Rule[] = [...catalog];
  if (wanted.length > 0) {
    const matchers = wanted.map((p) => ({ pattern: p, re: globToRegExp(p) }));
    const unmatched = matchers.filter((m) => !catalog.some((r) => m.re.test(r.id)));
    if (unmatched.length > 0) {
      throw new RuleSelectionError(
        `--rules: no rule matches ${unmatched.map((m) => `"${m.pattern}"`).join(', ')} (see trailguard rules list)`,
      );
    }
    rules = rules.filter((r) => matchers.some((m) => m.re.test(r.id)));
  }
  if (minSeverity !== undefined) {
    const floor = SEVERITIES.indexOf(minSeverity);
    rules = rules.filter((r) => SEVERITIES.indexOf(r.severity) >= floor);
  }
  return rules;
}

/** The catalog rules with these ids (in worker threads, which receive ids, not functions). */
export function rulesById(ids: readonly string[]): Rule[] {
  const set = new Set(ids);
  return catalog.filter((r) => set.has(r.id));
}

/** The engine's own "could anything happen for this event" test, for readers to drop irrelevant records early. */
export function mayMatchFor(
  rules: readonly Rule[],
  ignoreThresholds: boolean,
): (record: CloudTrailRecord) => boolean {
  const engine = new DetectionEngine(rules, { state: new InMemoryStateStore(), ignoreThresholds });
  return (record) => engine.mayMatch(record);
}
