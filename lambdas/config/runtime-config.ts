import { z } from 'zod';
import {
  detectionContext,
  NO_CONTEXT,
  trustedAccountProblem,
  trustedNetworkProblem,
} from '../engine/context';
import {
  ACTION_IDS,
  type ActionId,
  type DetectionContext,
  RULE_MODES,
  type Rule,
  type RuleMode,
  type RuleSettings,
  SEVERITIES,
  type Severity,
} from '../engine/types';
import { ACTION_ENABLED_BY_DEFAULT, MAX_ACTIONS_PER_HOUR } from '../remediator/action-switches';

/** Limits that keep a typo from disabling a detection (threshold 1e9) or exhausting state (window of a year). */
export const THRESHOLD_LIMITS = { min: 1, max: 100_000 } as const;
export const WINDOW_LIMITS = { min: 10, max: 7 * 24 * 3600 } as const;
/** Alert aggregation window in seconds: 0 turns aggregation off; a day at most, so a digest always follows. */
export const AGGREGATION_WINDOW_LIMITS = { min: 0, max: 24 * 3600 } as const;

/** How the alerter groups and escalates, from `<prefix>/alerting/*`. */
export interface AlertingSettings {
  /** Findings at or above this severity also go to the escalation topic. */
  readonly escalationMinSeverity: Severity;
  /** Repeats of a rule for one principal within this many seconds of event time are counted, not emailed. */
  readonly aggregationWindowSeconds: number;
}

export const DEFAULT_ALERTING: AlertingSettings = {
  escalationMinSeverity: 'critical',
  aggregationWindowSeconds: 900,
};

const modeSchema = z.enum(RULE_MODES);
const killSwitchSchema = z.enum(['on', 'off']);
const intSchema = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
const thresholdSchema = intSchema(THRESHOLD_LIMITS.min, THRESHOLD_LIMITS.max);
const windowSchema = intSchema(WINDOW_LIMITS.min, WINDOW_LIMITS.max);
const severitySchema = z.enum(SEVERITIES);
const aggregationWindowSchema = intSchema(AGGREGATION_WINDOW_LIMITS.min, AGGREGATION_WINDOW_LIMITS.max);
/** An ARN or ARN pattern with `*` wildcards; StringList values arrive comma-separated. */
const arnPatternSchema = z
  .string()
  .trim()
  .regex(
    /^arn:[a-z*-]+:[a-z0-9*-]+:[a-z0-9*-]*:(\d{12}|\*)?:\S+$/,
    'must be an ARN or ARN pattern (arn:aws:iam::123456789012:role/Name, * allowed)',
  );

/** A list entry's verdict: the value to use, or why it is ignored. */
type Checked<T> = { readonly ok: T } | { readonly error: string };

/** One parameter value that did not validate. Reported once, never fatal. */
export interface ConfigProblem {
  /** Full SSM parameter name. */
  readonly parameter: string;
  readonly value: string;
  readonly reason: string;
  /** What is used instead. */
  readonly using: string;
}

/** Remediator guardrails, from `<prefix>/remediation/*`. */
export interface RemediationSettings {
  /** Blast-radius limit: actions per account per rolling hour; beyond it the circuit opens. */
  readonly maxActionsPerHour: number;
  /** Whether each action may run at all (an operator opts in to irreversible ones). */
  readonly enabledActions: ReadonlyMap<ActionId, boolean>;
}

export interface RuntimeConfig {
  readonly killSwitch: boolean;
  readonly protectedPrincipals: readonly string[];
  /** Trusted accounts and networks, from `<prefix>/context/*`; empty when not configured. */
  readonly context: DetectionContext;
  /** Effective settings per rule id (kill switch applied). */
  readonly rules: ReadonlyMap<string, RuleSettings>;
  readonly alerting: AlertingSettings;
  readonly remediation: RemediationSettings;
  readonly problems: readonly ConfigProblem[];
}

/**
 * What the configuration needs to know of a rule: its id and defaults. Detection rules satisfy it, and so do the
 * posture checks (`lambdas/posture/settings.ts`), whose modes live under the same `rules/<id>/mode` path.
 */
export type ConfigurableRule = Pick<Rule, 'id' | 'defaultMode' | 'threshold' | 'sequence'>;

/**
 * Turns raw parameters (names relative to the prefix, as `GetParametersByPath` returns them) into validated
 * settings. An invalid value never stops anything: the last valid value (from `previous`) or the rule's default
 * is used and the problem is reported. Pure, so it is tested without SSM.
 */
export function parseRuntimeConfig(
  raw: Readonly<Record<string, string>>,
  prefix: string,
  rules: readonly ConfigurableRule[],
  previous?: RuntimeConfig,
): RuntimeConfig {
  const problems: ConfigProblem[] = [];
  const read = <T>(relative: string, schema: z.ZodType<T>, fallback: T, show: (v: T) => string): T => {
    const value = raw[relative];
    if (value === undefined) return fallback;
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    problems.push({
      parameter: `${prefix}/${relative}`,
      value: value.length > 200 ? `${value.slice(0, 200)}…` : value,
      reason: parsed.error.issues.map((i) => i.message).join('; '),
      using: show(fallback),
    });
    return fallback;
  };

  const killSwitch =
    read('kill-switch', killSwitchSchema, previous?.killSwitch ? 'on' : 'off', (v) => v) === 'on';

  /**
   * A StringList: each entry is validated on its own and a bad one is reported and ignored, so one typo never
   * discards the rest of the list. An absent parameter keeps the previous value (or none).
   */
  const readList = <T>(
    relative: string,
    check: (entry: string) => Checked<T>,
    fallback: readonly T[],
  ): T[] => {
    const value = raw[relative];
    if (value === undefined) return [...fallback];
    const out: T[] = [];
    for (const entry of value
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e.length > 0)) {
      const checked = check(entry);
      if ('ok' in checked) out.push(checked.ok);
      else
        problems.push({
          parameter: `${prefix}/${relative}`,
          value: entry.length > 200 ? `${entry.slice(0, 200)}…` : entry,
          reason: checked.error,
          using: 'the other entries of the list (this one is ignored)',
        });
    }
    return out;
  };
  const arnPattern = (entry: string): Checked<string> => {
    const parsed = arnPatternSchema.safeParse(entry);
    return parsed.success
      ? { ok: parsed.data }
      : { error: parsed.error.issues.map((i) => i.message).join('; ') };
  };

  const protectedPrincipals = readList(
    'protected-principals',
    arnPattern,
    previous?.protectedPrincipals ?? [],
  );

  const checkedBy =
    (problem: (entry: string) => string | undefined) =>
    (entry: string): Checked<string> => {
      const reason = problem(entry);
      return reason === undefined ? { ok: entry } : { error: reason };
    };
  const trustedAccounts = readList('context/trusted-accounts', checkedBy(trustedAccountProblem), [
    ...(previous?.context.trustedAccounts ?? []),
  ]);
  const trustedNetworks = readList(
    'context/trusted-networks',
    checkedBy(trustedNetworkProblem),
    previous?.context.trustedNetworks ?? [],
  );
  const context =
    trustedAccounts.length === 0 && trustedNetworks.length === 0
      ? NO_CONTEXT
      : detectionContext({ trustedAccounts, trustedNetworks });

  const settings = new Map<string, RuleSettings>();
  for (const rule of rules) {
    const before = previous?.rules.get(rule.id);
    const configuredMode = read<RuleMode>(
      `rules/${rule.id}/mode`,
      modeSchema,
      before?.configuredMode ?? rule.defaultMode,
      (v) => v,
    );
    const threshold = rule.threshold
      ? read(`rules/${rule.id}/threshold`, thresholdSchema, before?.threshold ?? rule.threshold.count, String)
      : undefined;
    // Thresholds and sequences both have a window.
    const defaultWindow = rule.threshold?.windowSeconds ?? rule.sequence?.withinSeconds;
    const windowSeconds =
      defaultWindow !== undefined
        ? read(
            `rules/${rule.id}/window-seconds`,
            windowSchema,
            before?.windowSeconds ?? defaultWindow,
            String,
          )
        : undefined;
    const allowPrincipals = readList(
      `rules/${rule.id}/allow-principals`,
      arnPattern,
      before?.allowPrincipals ?? [],
    );
    settings.set(rule.id, {
      mode: effectiveMode(configuredMode, killSwitch),
      configuredMode,
      threshold,
      windowSeconds,
      ...(allowPrincipals.length > 0 ? { allowPrincipals } : {}),
    });
  }
  const alerting: AlertingSettings = {
    escalationMinSeverity: read(
      'alerting/escalation-min-severity',
      severitySchema,
      previous?.alerting.escalationMinSeverity ?? DEFAULT_ALERTING.escalationMinSeverity,
      (v) => v,
    ),
    aggregationWindowSeconds: read(
      'alerting/aggregation-window-seconds',
      aggregationWindowSchema,
      previous?.alerting.aggregationWindowSeconds ?? DEFAULT_ALERTING.aggregationWindowSeconds,
      String,
    ),
  };
  const enabledActions = new Map<ActionId, boolean>();
  for (const id of ACTION_IDS) {
    const fallback = previous?.remediation.enabledActions.get(id) ?? ACTION_ENABLED_BY_DEFAULT[id];
    const value = read(
      `remediation/actions/${id}/enabled`,
      killSwitchSchema,
      fallback ? 'on' : 'off',
      (v) => v,
    );
    enabledActions.set(id, value === 'on');
  }
  const remediation: RemediationSettings = {
    maxActionsPerHour: read(
      'remediation/max-actions-per-hour',
      intSchema(MAX_ACTIONS_PER_HOUR.min, MAX_ACTIONS_PER_HOUR.max),
      previous?.remediation.maxActionsPerHour ?? MAX_ACTIONS_PER_HOUR.default,
      String,
    ),
    enabledActions,
  };
  return { killSwitch, protectedPrincipals, context, rules: settings, alerting, remediation, problems };
}

/** The kill switch turns every acting mode into `alert`; `off` stays off. */
export function effectiveMode(mode: RuleMode, killSwitch: boolean): RuleMode {
  return killSwitch && (mode === 'enforce' || mode === 'dry-run') ? 'alert' : mode;
}

/** Parameters under the prefix that the stack writes for its own use, not settings. */
const INTERNAL_PARAMETERS: ReadonlySet<string> = new Set(['heartbeat', 'deployment']);

/**
 * What a parameter name (relative to the prefix) is to `parseRuntimeConfig`: a setting it reads, a stack-internal
 * parameter, or unknown (a typo: `rules/iam.admin-policy-atached/mode` would otherwise be ignored silently).
 */
export function parameterKind(
  relative: string,
  rules: readonly ConfigurableRule[],
): 'setting' | 'internal' | 'unknown' {
  if (INTERNAL_PARAMETERS.has(relative)) return 'internal';
  const fixed = [
    'kill-switch',
    'protected-principals',
    'context/trusted-accounts',
    'context/trusted-networks',
    'alerting/escalation-min-severity',
    'alerting/aggregation-window-seconds',
    'remediation/max-actions-per-hour',
  ];
  if (fixed.includes(relative)) return 'setting';
  const action = /^remediation\/actions\/([^/]+)\/enabled$/.exec(relative);
  if (action) return (ACTION_IDS as readonly string[]).includes(action[1] as string) ? 'setting' : 'unknown';
  const perRule = /^rules\/([^/]+)\/(mode|threshold|window-seconds|allow-principals)$/.exec(relative);
  if (perRule) {
    const rule = rules.find((r) => r.id === perRule[1]);
    if (rule === undefined) return 'unknown';
    const windowed = rule.threshold !== undefined || rule.sequence !== undefined;
    if (perRule[2] === 'threshold') return rule.threshold ? 'setting' : 'unknown';
    if (perRule[2] === 'window-seconds') return windowed ? 'setting' : 'unknown';
    return 'setting';
  }
  return 'unknown';
}
