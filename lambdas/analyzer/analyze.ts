import type { ConfigSource } from '../config/config-source';
import { configProblemFinding } from '../config/problem-finding';
import type { DetectionEngine } from '../engine/engine';
import type { Finding } from '../engine/types';
import type { Log } from '../shared/log';
import { recordFromMessageBody } from './message';

export interface AnalyzerDeps {
  readonly engine: DetectionEngine;
  readonly config: ConfigSource;
  /** Puts findings on the findings bus; throws if any could not be put. */
  readonly publish: (findings: readonly Finding[]) => Promise<void>;
  readonly log: Log;
  readonly count: (
    metric: 'EventsAnalyzed' | 'Findings' | 'RuleErrors' | 'InvalidRecords',
    value: number,
  ) => void;
  readonly now?: () => Date;
}

/**
 * Analyses one queue message. Throws (so the message is retried, then dead-lettered: nothing is lost) when the
 * message is not a CloudTrail record or when findings could not be published; a rule that throws is logged and
 * counted, and the other rules' findings still go out.
 */
export async function analyzeMessage(
  body: string,
  messageId: string,
  deps: AnalyzerDeps,
): Promise<readonly Finding[]> {
  let record: ReturnType<typeof recordFromMessageBody>;
  try {
    record = recordFromMessageBody(body, `message ${messageId}`);
  } catch (error) {
    deps.count('InvalidRecords', 1);
    deps.log.warn('message is not an analysable CloudTrail record; it will be retried, then dead-lettered', {
      messageId,
      reason: (error as Error).message,
    });
    throw error;
  }
  deps.count('EventsAnalyzed', 1);
  const { findings, errors } = await deps.engine.analyze(record);
  for (const error of errors) {
    deps.count('RuleErrors', 1);
    // The rule id and event id identify the case; the event itself stays out of the logs.
    deps.log.error('rule failed on an event; other rules were not affected', {
      ruleId: error.ruleId,
      eventId: error.eventId,
      reason: error.message,
    });
  }
  if (findings.length > 0) {
    await deps.publish(findings);
    await deps.engine.markEmitted(findings);
    deps.count('Findings', findings.length);
  }
  return findings;
}

/**
 * Alerts once per rejected configuration value: each problem becomes a finding whose id is derived from the
 * parameter and value, and the engine's emitted-marks suppress repeats.
 */
export async function reportConfigProblems(deps: AnalyzerDeps, account: string | undefined): Promise<void> {
  const config = await deps.config.get();
  if (config.problems.length === 0) return;
  const now = (deps.now ?? (() => new Date()))();
  const fresh: Finding[] = [];
  for (const problem of config.problems) {
    const finding = configProblemFinding(problem, account, now);
    if (await deps.engine.wasEmitted(finding.id)) continue;
    deps.log.warn('configuration value rejected; using the previous valid value or the default', {
      ...problem,
    });
    fresh.push(finding);
  }
  if (fresh.length === 0) return;
  await deps.publish(fresh);
  await deps.engine.markEmitted(fresh);
}
