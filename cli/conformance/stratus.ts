/**
 * The catalog against Stratus Red Team detonation logs: is each technique detected by a rule that names it?
 */
import type { Rule } from '../../lambdas/engine/types';
import type { StratusFile } from './corpus';
import { type RejectedRecord, runTimeline } from './judge';

export interface StratusFileResult {
  readonly technique: string;
  readonly events: number;
  /** Rules whose `stratus` metadata names this technique. */
  readonly namedBy: readonly string[];
  /** Rules naming the technique that raised at least one finding on its log. */
  readonly detectedBy: readonly string[];
  readonly detected: boolean;
  /** Every finding on the log, per rule (rules naming the technique or not). */
  readonly findings: Readonly<Record<string, number>>;
  readonly rejected: readonly RejectedRecord[];
  readonly errors: readonly string[];
}

export interface StratusResult {
  readonly files: readonly StratusFileResult[];
  readonly detected: number;
  readonly total: number;
  /** Techniques named by some rule that have no detonation log in the corpus (not measurable). */
  readonly namedWithoutLog: readonly string[];
}

/**
 * Runs the engine over each detonation log on its own (fresh state per file, events in event-time order), so
 * threshold and sequence rules see the attack the way the analyzer would.
 */
export async function measureStratus(
  rules: readonly Rule[],
  files: readonly StratusFile[],
): Promise<StratusResult> {
  const results: StratusFileResult[] = [];
  for (const file of [...files].sort((a, b) => (a.technique < b.technique ? -1 : 1))) {
    const run = await runTimeline(rules, [{ name: file.technique, events: file.events }]);
    const namedBy = rules.filter((r) => (r.stratus ?? []).includes(file.technique)).map((r) => r.id);
    const findings: Record<string, number> = {};
    for (const { finding } of run.findings) findings[finding.ruleId] = (findings[finding.ruleId] ?? 0) + 1;
    const detectedBy = namedBy.filter((id) => (findings[id] ?? 0) > 0);
    results.push({
      technique: file.technique,
      events: run.events,
      namedBy,
      detectedBy,
      detected: detectedBy.length > 0,
      findings,
      rejected: run.rejected,
      errors: run.errors,
    });
  }
  const withLog = new Set(files.map((f) => f.technique));
  const named = [...new Set(rules.flatMap((r) => r.stratus ?? []))].sort();
  return {
    files: results,
    detected: results.filter((r) => r.detected).length,
    total: results.length,
    namedWithoutLog: named.filter((t) => !withLog.has(t)),
  };
}
