import { findingId } from '../engine/finding';
import { FINDING_SCHEMA_VERSION, type Finding } from '../engine/types';
import type { ConfigProblem } from './runtime-config';

export const CONFIG_PROBLEM_RULE_ID = 'trailguard.config-invalid';

/**
 * A finding telling people that a configuration value was rejected. Its id depends on the parameter and the
 * value, so the engine's emitted-marks make it alert once per bad value, not once per invocation.
 */
export function configProblemFinding(
  problem: ConfigProblem,
  account: string | undefined,
  now: Date,
): Finding {
  return {
    schemaVersion: FINDING_SCHEMA_VERSION,
    id: findingId(CONFIG_PROBLEM_RULE_ID, problem.parameter, problem.value),
    ruleId: CONFIG_PROBLEM_RULE_ID,
    title: 'TrailGuard configuration value rejected',
    severity: 'medium',
    attack: [],
    summary: `SSM parameter ${problem.parameter} has an invalid value (${problem.reason}); TrailGuard is using ${problem.using} instead.`,
    eventIds: [],
    eventTime: now.toISOString(),
    principal: { type: 'TrailGuard' },
    account,
    evidence: [],
    mode: 'alert',
    remediation: [],
    runbook:
      'A run-time setting under the TrailGuard SSM prefix does not validate, so TrailGuard ignored it and kept the ' +
      'previous valid value (or the default). Nothing stopped working, but the change you meant to make is not in ' +
      'force. Check who changed the parameter (CloudTrail PutParameter events), then put a valid value: modes are ' +
      'off|alert|dry-run|enforce, thresholds and windows are whole numbers, the kill switch is on|off, protected ' +
      'principals are comma-separated ARNs or ARN patterns.',
    detectedAt: now.toISOString(),
  };
}
