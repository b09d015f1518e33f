/**
 * The catalog against benign activity (test/fixtures/benign): what an ordinary account's day raises.
 */
import { type Finding, type Rule, SEVERITIES, type Severity } from '../../lambdas/engine/types';
import type { LoadedConfig } from '../config/config-file';
import type { KnownBenignFinding } from './corpus';
import { type RejectedRecord, runTimeline } from './judge';

export interface BenignFinding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly summary: string;
  /** `<file>[<index>]` of the event that raised it. */
  readonly where: string;
  /** Why it is accepted, when `known-findings.json` records it. */
  readonly knownReason?: string;
}

export interface BenignResult {
  readonly files: number;
  readonly events: number;
  readonly findings: readonly BenignFinding[];
  readonly bySeverity: Readonly<Record<Severity, number>>;
  /** Findings per rule, with the rule's severity. */
  readonly byRule: readonly { ruleId: string; severity: Severity; count: number }[];
  /** Findings above `low` that no known finding records. */
  readonly unrecordedAboveLow: number;
  /** Known findings that nothing raised any more (remove them). */
  readonly staleKnown: readonly KnownBenignFinding[];
  readonly rejected: readonly RejectedRecord[];
  readonly errors: readonly string[];
  /** The same events with the set's `config.json` (the organisation's tuning), when it has one. */
  readonly tuned?: TunedBenignResult;
}

export interface TunedBenignResult {
  readonly findings: readonly BenignFinding[];
  readonly bySeverity: Readonly<Record<Severity, number>>;
  /** Findings above `low` with the tuning that no known finding marks as surviving it (`tuned`). */
  readonly unexpectedAboveLow: number;
  /** Known findings marked as surviving the tuning that it removed after all (update known-findings.json). */
  readonly staleTuned: readonly KnownBenignFinding[];
}

/** Severities above `low`: what the benign set should not raise. */
export const ABOVE_LOW: readonly Severity[] = ['medium', 'high', 'critical'];

function scenarioOf(where: string): string {
  return where.replace(/\[\d+\]$/, '');
}

/**
 * Runs the engine over all benign files as one timeline (one account, events in event-time order, default
 * settings), so thresholds and sequences behave as they would live, and matches the findings against the known
 * ones by rule and scenario.
 */
export async function measureBenign(
  rules: readonly Rule[],
  files: readonly { name: string; events: readonly unknown[] }[],
  known: readonly KnownBenignFinding[] = [],
  config?: LoadedConfig,
): Promise<BenignResult> {
  const run = await runTimeline(rules, files);
  const findings = benignFindings(run.findings, known);
  const bySeverity = countBySeverity(findings);
  const perRule = new Map<string, { ruleId: string; severity: Severity; count: number }>();
  for (const f of findings) {
    const entry = perRule.get(f.ruleId) ?? { ruleId: f.ruleId, severity: f.severity, count: 0 };
    entry.count += 1;
    perRule.set(f.ruleId, entry);
  }
  const rank = (s: Severity) => SEVERITIES.indexOf(s);
  return {
    files: files.length,
    events: run.events,
    findings,
    bySeverity,
    byRule: [...perRule.values()].sort(
      (a, b) => rank(b.severity) - rank(a.severity) || (a.ruleId < b.ruleId ? -1 : 1),
    ),
    unrecordedAboveLow: findings.filter((f) => ABOVE_LOW.includes(f.severity) && f.knownReason === undefined)
      .length,
    staleKnown: known.filter(
      (k) => !findings.some((f) => f.ruleId === k.ruleId && scenarioOf(f.where) === k.scenario),
    ),
    rejected: run.rejected,
    errors: run.errors,
    ...(config ? { tuned: await measureTuned(rules, files, known, config) } : {}),
  };
}

async function measureTuned(
  rules: readonly Rule[],
  files: readonly { name: string; events: readonly unknown[] }[],
  known: readonly KnownBenignFinding[],
  config: LoadedConfig,
): Promise<TunedBenignResult> {
  const run = await runTimeline(rules, files, config);
  const surviving = known.filter((k) => k.tuned !== undefined);
  const findings = benignFindings(run.findings, surviving);
  return {
    findings,
    bySeverity: countBySeverity(findings),
    unexpectedAboveLow: findings.filter((f) => ABOVE_LOW.includes(f.severity) && f.knownReason === undefined)
      .length,
    staleTuned: surviving.filter(
      (k) => !findings.some((f) => f.ruleId === k.ruleId && scenarioOf(f.where) === k.scenario),
    ),
  };
}

function benignFindings(
  raised: readonly { finding: Finding; where: string }[],
  known: readonly KnownBenignFinding[],
): BenignFinding[] {
  return raised.map(({ finding, where }) => {
    const record = known.find((k) => k.ruleId === finding.ruleId && k.scenario === scenarioOf(where));
    return {
      ruleId: finding.ruleId,
      severity: finding.severity,
      summary: finding.summary,
      where,
      ...(record ? { knownReason: record.tuned ?? record.reason } : {}),
    };
  });
}

function countBySeverity(findings: readonly BenignFinding[]): Record<Severity, number> {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) bySeverity[f.severity] += 1;
  return bySeverity;
}
