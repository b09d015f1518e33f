import type { IAMClient } from '@aws-sdk/client-iam';
import type { STSClient } from '@aws-sdk/client-sts';
import type { ParameterFetcher } from '../config/config-source';
import { type ConfigProblem, parseRuntimeConfig } from '../config/runtime-config';
import { POSTURE_CHECKS } from './checks';
import { collectSnapshot } from './collect';
import { type CheckOutcome, evaluateChecks } from './evaluate';
import { type PostureFinding, postureFindings } from './findings';
import { buildReport, type PostureReport } from './report';
import { POSTURE_CONFIG_ENTRIES, parsePostureSettings } from './settings';
import type { PostureCheck, PostureSnapshot } from './types';

export interface AssessOptions {
  readonly iam: IAMClient;
  readonly sts: STSClient;
  /** Reads the parameters under the prefix; `undefined` runs on the CIS defaults. */
  readonly fetchConfig?: ParameterFetcher;
  readonly prefix: string;
  /** Ages are measured against this moment (default: now). */
  readonly asOf?: Date;
  readonly now?: () => Date;
  readonly checks?: readonly PostureCheck[];
  /** Passed to the collector (tests shorten the credential report polling). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Users read in parallel (see `collectSnapshot`). */
  readonly concurrency?: number;
}

export interface Assessment {
  readonly snapshot: PostureSnapshot;
  readonly outcomes: readonly CheckOutcome[];
  readonly findings: readonly PostureFinding[];
  readonly report: PostureReport;
  /** Rejected posture parameters (reported, and alerted by the scheduled run). */
  readonly configProblems: readonly ConfigProblem[];
}

/**
 * Reads the configuration and the account's IAM state, runs every check and builds the findings and the report.
 * The scheduled Lambda and `trailguard posture` both call this; only what they do with the result differs.
 */
export async function assessPosture(options: AssessOptions): Promise<Assessment> {
  const now = (options.now ?? (() => new Date()))();
  const checks = options.checks ?? POSTURE_CHECKS;
  let raw: Record<string, string> = {};
  const configGaps: string[] = [];
  if (options.fetchConfig) {
    try {
      raw = await options.fetchConfig();
    } catch (error) {
      // Never fatal: the CIS defaults apply, and the report says so.
      configGaps.push(
        `the configuration under ${options.prefix} could not be read (${(error as Error).name}: ${(error as Error).message}); CIS defaults used`,
      );
    }
  }
  const entries =
    checks === POSTURE_CHECKS
      ? POSTURE_CONFIG_ENTRIES
      : checks.map((c) => ({ id: c.id, defaultMode: c.defaultMode }));
  const runtime = parseRuntimeConfig(raw, options.prefix, entries);
  const settings = parsePostureSettings(raw, options.prefix, checks);
  // Only what this run reads: the analyzer reports problems with the rest of the configuration.
  const mine = (p: ConfigProblem) =>
    p.parameter === `${options.prefix}/kill-switch` ||
    p.parameter.startsWith(`${options.prefix}/rules/posture.`);
  const configProblems = [...runtime.problems.filter(mine), ...settings.problems];

  const collected = await collectSnapshot({
    iam: options.iam,
    sts: options.sts,
    sleep: options.sleep,
    concurrency: options.concurrency,
  });
  const snapshot: PostureSnapshot = { ...collected, gaps: [...configGaps, ...collected.gaps] };
  const outcomes = evaluateChecks(snapshot, checks, {
    asOf: options.asOf ?? now,
    settings,
    modeOf: (id) => {
      const found = runtime.rules.get(id);
      const fallback = checks.find((c) => c.id === id)?.defaultMode ?? 'alert';
      return { mode: found?.mode ?? fallback, configuredMode: found?.configuredMode ?? fallback };
    },
  });
  const findings = postureFindings(snapshot, outcomes, now);
  const report = buildReport({
    snapshot,
    outcomes,
    findings,
    evaluatedAt: options.asOf ?? now,
    killSwitch: runtime.killSwitch,
    configProblems,
  });
  return { snapshot, outcomes, findings, report, configProblems };
}
