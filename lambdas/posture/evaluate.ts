import type { RuleMode } from '../engine/types';
import type { PostureSettings } from './settings';
import type { CheckResult, PostureCheck, PostureSnapshot } from './types';

export type CheckStatus = 'pass' | 'fail' | 'not-evaluated' | 'off';

/** One check's outcome over the whole account. */
export interface CheckOutcome {
  readonly check: PostureCheck;
  /** The mode in force (kill switch applied). */
  readonly mode: RuleMode;
  /** The mode configured in SSM, before the kill switch. */
  readonly configuredMode: RuleMode;
  /** The threshold or baseline used, for people (e.g. `90 days`). */
  readonly setting?: string;
  readonly status: CheckStatus;
  readonly reason?: string;
  readonly results: readonly CheckResult[];
}

export interface EvaluateOptions {
  readonly asOf: Date;
  readonly settings: PostureSettings;
  /** The mode in force and the configured mode of a check id. */
  readonly modeOf: (checkId: string) => { readonly mode: RuleMode; readonly configuredMode: RuleMode };
}

/** Runs every check over the snapshot. Pure; a check that throws is reported as not evaluated, never as a pass. */
export function evaluateChecks(
  snapshot: PostureSnapshot,
  checks: readonly PostureCheck[],
  options: EvaluateOptions,
): CheckOutcome[] {
  return checks.map((check) => {
    const { mode, configuredMode } = options.modeOf(check.id);
    const threshold = options.settings.thresholds.get(check.id) ?? defaultThreshold(check);
    const setting =
      check.setting?.kind === 'threshold'
        ? `${threshold} ${check.setting.unit}`
        : check.setting?.kind === 'character-classes'
          ? options.settings.requiredClasses.join(', ') || 'none'
          : undefined;
    const base = { check, mode, configuredMode, setting };
    if (mode === 'off') return { ...base, status: 'off', reason: 'mode is off', results: [] };
    try {
      const evaluation = check.evaluate(snapshot, {
        asOf: options.asOf,
        threshold,
        requiredClasses: options.settings.requiredClasses,
      });
      if (evaluation.status === 'not-evaluated') {
        return { ...base, status: 'not-evaluated', reason: evaluation.reason, results: [] };
      }
      const failed = evaluation.results.some((r) => !r.passed);
      return { ...base, status: failed ? 'fail' : 'pass', results: evaluation.results };
    } catch (error) {
      return {
        ...base,
        status: 'not-evaluated',
        reason: `the check failed: ${(error as Error).message ?? String(error)}`.slice(0, 300),
        results: [],
      };
    }
  });
}

function defaultThreshold(check: PostureCheck): number {
  return check.setting?.kind === 'threshold' ? check.setting.default : 0;
}
