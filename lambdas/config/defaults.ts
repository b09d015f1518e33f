import { RULE_MODES, type Rule, SEVERITIES } from '../engine/types';
import { ACTION_ENABLED_BY_DEFAULT, MAX_ACTIONS_PER_HOUR } from '../remediator/action-switches';
import { ssmNames } from '../shared/contract';
import {
  AGGREGATION_WINDOW_LIMITS,
  DEFAULT_ALERTING,
  THRESHOLD_LIMITS,
  WINDOW_LIMITS,
} from './runtime-config';

export interface DefaultParameter {
  readonly name: string;
  readonly value: string;
  readonly type: 'String' | 'StringList';
  /** SSM parameter descriptions hold at most 1,024 characters. */
  readonly description: string;
  /** What SSM itself accepts (a first gate; the run-time validator checks ranges too). */
  readonly allowedPattern?: string;
  readonly kind:
    | 'kill-switch'
    | 'protected-principals'
    | 'mode'
    | 'threshold'
    | 'window-seconds'
    | 'escalation-min-severity'
    | 'aggregation-window-seconds'
    | 'max-actions-per-hour'
    | 'action-enabled';
  readonly ruleId?: string;
  /** For `action-enabled`: the remediation action it switches. */
  readonly actionId?: string;
}

const WHOLE_NUMBER = '^[0-9]{1,9}$';

/**
 * The run-time parameters a deployment starts with, derived from the catalog: the kill switch, the protected
 * principals list, and each rule's mode (plus threshold and window for threshold rules). The CDK stack and the
 * local emulator run both create exactly these.
 */
export function defaultParameters(
  prefix: string,
  rules: readonly Rule[],
  rootArn: string,
): DefaultParameter[] {
  const out: DefaultParameter[] = [
    {
      kind: 'kill-switch',
      name: ssmNames.killSwitch(prefix),
      value: 'off',
      type: 'String',
      allowedPattern: '^(on|off)$',
      description:
        'TrailGuard kill switch. Allowed values: on | off. "on" turns every rule to alert-only at once ' +
        '(nothing is remediated); "off" lets the per-rule modes apply.',
    },
    {
      kind: 'protected-principals',
      name: ssmNames.protectedPrincipals(prefix),
      value: rootArn,
      type: 'StringList',
      description:
        'TrailGuard protected principals: comma-separated IAM ARNs or ARN patterns with * ' +
        '(e.g. arn:aws:iam::111122223333:role/BreakGlass*) that remediation never touches. Must hold at least ' +
        'one entry; the account root is the default. Root, TrailGuard and CDK roles are always protected.',
    },
    {
      kind: 'escalation-min-severity',
      name: ssmNames.escalationMinSeverity(prefix),
      value: DEFAULT_ALERTING.escalationMinSeverity,
      type: 'String',
      allowedPattern: `^(${SEVERITIES.join('|')})$`,
      description:
        `TrailGuard escalation threshold. Allowed values: ${SEVERITIES.join(' | ')}. Findings at or above this ` +
        'severity also go to the escalation topic (paging), as do failed remediations. ' +
        `Default: ${DEFAULT_ALERTING.escalationMinSeverity}.`,
    },
    {
      kind: 'aggregation-window-seconds',
      name: ssmNames.aggregationWindowSeconds(prefix),
      value: String(DEFAULT_ALERTING.aggregationWindowSeconds),
      type: 'String',
      allowedPattern: WHOLE_NUMBER,
      description:
        'TrailGuard alert aggregation window, in seconds of event time. Repeats of a rule for the same principal ' +
        'within the window are counted and reported in one digest instead of one email each. Allowed values: ' +
        `a whole number from ${AGGREGATION_WINDOW_LIMITS.min} (off) to ${AGGREGATION_WINDOW_LIMITS.max}. ` +
        `Default: ${DEFAULT_ALERTING.aggregationWindowSeconds}.`,
    },
  ];
  for (const rule of rules) {
    out.push({
      kind: 'mode',
      ruleId: rule.id,
      name: ssmNames.ruleMode(prefix, rule.id),
      value: rule.defaultMode,
      type: 'String',
      allowedPattern: `^(${RULE_MODES.join('|')})$`,
      description: cap(
        `TrailGuard mode of rule ${rule.id} (${rule.title}). Allowed values: ${RULE_MODES.join(' | ')}. ` +
          'off: not evaluated; alert: alert only; dry-run: plan recorded, nothing changed; enforce: remediate. ' +
          `Default: ${rule.defaultMode}.`,
      ),
    });
    if (rule.threshold) {
      out.push({
        kind: 'threshold',
        ruleId: rule.id,
        name: ssmNames.ruleThreshold(prefix, rule.id),
        value: String(rule.threshold.count),
        type: 'String',
        allowedPattern: WHOLE_NUMBER,
        description: cap(
          `TrailGuard threshold of rule ${rule.id}: events per ${rule.threshold.groupByLabel} within the window ` +
            `that raise a finding. Allowed values: a whole number from ${THRESHOLD_LIMITS.min} to ` +
            `${THRESHOLD_LIMITS.max}. Default: ${rule.threshold.count}.`,
        ),
      });
    }
    // Thresholds and sequences both have a window.
    const windowSeconds = rule.threshold?.windowSeconds ?? rule.sequence?.withinSeconds;
    if (windowSeconds !== undefined) {
      out.push({
        kind: 'window-seconds',
        ruleId: rule.id,
        name: ssmNames.ruleWindowSeconds(prefix, rule.id),
        value: String(windowSeconds),
        type: 'String',
        allowedPattern: WHOLE_NUMBER,
        description: cap(
          `TrailGuard window of rule ${rule.id}, in seconds. Allowed values: a whole number from ` +
            `${WINDOW_LIMITS.min} to ${WINDOW_LIMITS.max}. Default: ${windowSeconds}.`,
        ),
      });
    }
  }
  out.push({
    kind: 'max-actions-per-hour',
    name: ssmNames.maxActionsPerHour(prefix),
    value: String(MAX_ACTIONS_PER_HOUR.default),
    type: 'String',
    allowedPattern: WHOLE_NUMBER,
    description:
      'TrailGuard blast-radius limit: remediation actions per account per rolling hour. Beyond it the remediator ' +
      'stops acting, records what it would have done and alerts that the circuit is open. Allowed values: a whole ' +
      `number from ${MAX_ACTIONS_PER_HOUR.min} to ${MAX_ACTIONS_PER_HOUR.max}. Default: ${MAX_ACTIONS_PER_HOUR.default}.`,
  });
  for (const [actionId, enabled] of Object.entries(ACTION_ENABLED_BY_DEFAULT)) {
    out.push({
      kind: 'action-enabled',
      actionId,
      name: ssmNames.actionEnabled(prefix, actionId),
      value: enabled ? 'on' : 'off',
      type: 'String',
      allowedPattern: '^(on|off)$',
      description:
        `TrailGuard remediation action ${actionId}. Allowed values: on | off. off: the action never runs, whatever ` +
        `the rule's mode (the step is recorded as skipped). Default: ${enabled ? 'on' : 'off'}` +
        (enabled ? '.' : ' (irreversible: an operator opts in).'),
    });
  }
  return out;
}

function cap(text: string): string {
  return text.length <= 1024 ? text : `${text.slice(0, 1021)}...`;
}
