/**
 * Verdicts of the real detection engine, for measurement: over one event on its own (Panther tests, rule
 * fixtures) and over a timeline of events (Stratus detonations, the benign set). Nothing here re-implements
 * matching: every verdict comes from `DetectionEngine` with an `InMemoryStateStore`.
 */

import { NO_CONTEXT } from '../../lambdas/engine/context';
import { DetectionEngine } from '../../lambdas/engine/engine';
import type { RuleEvaluationError } from '../../lambdas/engine/errors';
import { InvalidRecordError } from '../../lambdas/engine/errors';
import { parseCloudTrailRecord } from '../../lambdas/engine/record';
import { InMemoryStateStore } from '../../lambdas/engine/state/memory';
import type { CloudTrailRecord, Finding, Rule } from '../../lambdas/engine/types';
import { type LoadedConfig, offlineSettings } from '../config/config-file';

/**
 * How a single event is judged for a rule:
 * - `event`: the rule raises a finding on the event itself;
 * - `threshold-count`: the event counts toward the threshold (pattern and predicate match and the event has a
 *   group to be counted in), i.e. the engine raises the rule with its threshold set to 1;
 * - `sequence-second-step`: the event is the rule's second step (its `match` and predicate), i.e. the engine in
 *   hunting mode, which does not wait for the first step.
 */
export type Judgement = 'event' | 'threshold-count' | 'sequence-second-step';

export function judgementOf(rule: Rule): Judgement {
  if (rule.sequence) return 'sequence-second-step';
  if (rule.threshold) return 'threshold-count';
  return 'event';
}

export interface EventVerdict {
  readonly findings: readonly Finding[];
  readonly errors: readonly RuleEvaluationError[];
}

/**
 * What `rules` say about `event` on its own (see `Judgement`). Fresh state for every call, so one event never
 * influences the verdict on another (Panther's test events reuse event ids such as "1").
 */
export async function judgeEvent(rules: readonly Rule[], event: CloudTrailRecord): Promise<EventVerdict> {
  const sequences = rules.filter((r) => r.sequence !== undefined);
  const others = rules.filter((r) => r.sequence === undefined);
  const fixedClock = () => new Date(0);
  const counting = new DetectionEngine(others, {
    state: new InMemoryStateStore(() => 0),
    // Measured in the mode a rule ships with, but never `off` (it would not be evaluated at all).
    settings: (rule) => ({
      ...offlineSettings(rule, undefined),
      ...(rule.threshold ? { threshold: 1 } : {}),
    }),
    now: fixedClock,
  });
  const hunting = new DetectionEngine(sequences, {
    state: new InMemoryStateStore(() => 0),
    settings: (rule) => offlineSettings(rule, undefined),
    now: fixedClock,
    ignoreThresholds: true,
  });
  const a = others.length > 0 ? await counting.analyze(event) : { findings: [], errors: [] };
  const b = sequences.length > 0 ? await hunting.analyze(event) : { findings: [], errors: [] };
  return { findings: [...a.findings, ...b.findings], errors: [...a.errors, ...b.errors] };
}

/** An input record the engine refused, with where it came from. */
export interface RejectedRecord {
  readonly where: string;
  readonly problem: string;
}

export interface TimelineFinding {
  readonly finding: Finding;
  /** Where the event that raised it came from (file name and index). */
  readonly where: string;
}

export interface TimelineResult {
  readonly events: number;
  readonly findings: readonly TimelineFinding[];
  readonly errors: readonly string[];
  readonly rejected: readonly RejectedRecord[];
}

/** Validates raw records, keeping where each came from; invalid ones are reported, not dropped silently. */
export function parseRecords(sources: readonly { name: string; events: readonly unknown[] }[]): {
  records: { record: CloudTrailRecord; where: string }[];
  rejected: RejectedRecord[];
} {
  const records: { record: CloudTrailRecord; where: string }[] = [];
  const rejected: RejectedRecord[] = [];
  for (const source of sources) {
    source.events.forEach((raw, index) => {
      const where = `${source.name}[${index}]`;
      try {
        records.push({ record: parseCloudTrailRecord(raw, where), where });
      } catch (error) {
        if (!(error instanceof InvalidRecordError)) throw error;
        rejected.push({ where, problem: error.message });
      }
    });
  }
  return { records, rejected };
}

/**
 * Runs the engine over records in event-time order (ties keep input order) with the rules' default settings (or a
 * config file's), as the analyzer would see them, so thresholds count and sequences pair up. The state store's clock follows event
 * time, so windows and expiry behave as they would live. Findings are marked emitted as they are raised, which is
 * what keeps a burst to one finding per window in production.
 */
export async function runTimeline(
  rules: readonly Rule[],
  sources: readonly { name: string; events: readonly unknown[] }[],
  config?: LoadedConfig,
): Promise<TimelineResult> {
  const { records, rejected } = parseRecords(sources);
  const ordered = records
    .map((r, i) => ({ ...r, i, t: Date.parse(r.record.eventTime) }))
    .sort((a, b) => a.t - b.t || a.i - b.i);
  let clock = ordered[0]?.t ?? 0;
  const engine = new DetectionEngine(rules, {
    state: new InMemoryStateStore(() => clock),
    settings: (rule) => offlineSettings(rule, config),
    context: () => config?.config.context ?? NO_CONTEXT,
    now: () => new Date(clock),
  });
  const findings: TimelineFinding[] = [];
  const errors: string[] = [];
  for (const { record, where, t } of ordered) {
    clock = Math.max(clock, t);
    const result = await engine.analyze(record);
    await engine.markEmitted(result.findings);
    for (const finding of result.findings) findings.push({ finding, where });
    for (const error of result.errors) errors.push(`${where}: ${error.message}`);
  }
  return { events: records.length + rejected.length, findings, errors, rejected };
}
