/**
 * The posture checks' run-time settings in SSM, beside the detection rules' (`<prefix>/rules/<check id>/...`):
 * - `mode`: like every rule (read through `parseRuntimeConfig`, so the kill switch applies and the remediator sees it);
 * - `threshold`: the check's number (days, characters, passwords), for checks that have one;
 * - `required-classes`: the password character classes baseline.
 *
 * Invalid values never stop a run: the previous valid value or the CIS default is used and the problem reported,
 * exactly as for the rules.
 */
import { z } from 'zod';
import type { ConfigProblem, ConfigurableRule } from '../config/runtime-config';
import { RULE_MODES, type RuleMode } from '../engine/types';
import { ssmNames } from '../shared/contract';
import { POSTURE_CHECKS } from './checks';
import { CHARACTER_CLASSES, type CharacterClass, type PostureCheck } from './types';

export interface PostureSettings {
  /** Threshold per check id (checks with a threshold setting only). */
  readonly thresholds: ReadonlyMap<string, number>;
  readonly requiredClasses: readonly CharacterClass[];
  readonly problems: readonly ConfigProblem[];
}

/** What `parseRuntimeConfig` needs to resolve each check's mode (and the remediator to re-check it). */
export const POSTURE_CONFIG_ENTRIES: readonly ConfigurableRule[] = POSTURE_CHECKS.map((check) => ({
  id: check.id,
  defaultMode: check.defaultMode,
}));

export const postureSsmNames = {
  mode: (prefix: string, checkId: string) => ssmNames.ruleMode(prefix, checkId),
  threshold: (prefix: string, checkId: string) => ssmNames.ruleThreshold(prefix, checkId),
  requiredClasses: (prefix: string, checkId: string) => `${prefix}/rules/${checkId}/required-classes`,
};

/** `none` stands for the empty list, which a StringList parameter cannot hold. */
const classesSchema = z
  .string()
  .trim()
  .transform((value) => (value === 'none' ? [] : value.split(',').map((s) => s.trim())))
  .pipe(
    z.array(z.enum(CHARACTER_CLASSES)).refine((list) => new Set(list).size === list.length, 'listed twice'),
  );

function thresholdSchema(min: number, max: number) {
  return z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}

/**
 * Parses the posture thresholds and baseline from the raw parameters under the prefix (names relative to it, as
 * `GetParametersByPath` returns them). Pure.
 */
export function parsePostureSettings(
  raw: Readonly<Record<string, string>>,
  prefix: string,
  checks: readonly PostureCheck[] = POSTURE_CHECKS,
  previous?: PostureSettings,
): PostureSettings {
  const problems: ConfigProblem[] = [];
  const thresholds = new Map<string, number>();
  let requiredClasses: readonly CharacterClass[] | undefined;
  for (const check of checks) {
    const setting = check.setting;
    if (setting === undefined) continue;
    if (setting.kind === 'threshold') {
      const fallback = previous?.thresholds.get(check.id) ?? setting.default;
      const relative = `rules/${check.id}/threshold`;
      const value = raw[relative];
      let chosen = fallback;
      if (value !== undefined) {
        const parsed = thresholdSchema(setting.min, setting.max).safeParse(value);
        if (parsed.success) chosen = parsed.data;
        else problems.push(problem(prefix, relative, value, parsed.error, String(fallback)));
      }
      thresholds.set(check.id, chosen);
    } else {
      const fallback = previous?.requiredClasses ?? setting.default;
      const relative = `rules/${check.id}/required-classes`;
      const value = raw[relative];
      requiredClasses = fallback;
      if (value !== undefined) {
        const parsed = classesSchema.safeParse(value);
        if (parsed.success) requiredClasses = parsed.data;
        else problems.push(problem(prefix, relative, value, parsed.error, fallback.join(',') || 'none'));
      }
    }
  }
  return { thresholds, requiredClasses: requiredClasses ?? [...CHARACTER_CLASSES], problems };
}

function problem(
  prefix: string,
  relative: string,
  value: string,
  error: z.ZodError,
  using: string,
): ConfigProblem {
  return {
    parameter: `${prefix}/${relative}`,
    value: value.length > 200 ? `${value.slice(0, 200)}…` : value,
    reason: error.issues
      .map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message))
      .join('; '),
    using,
  };
}

/** One SSM parameter the stack creates for the posture checks. */
export interface PostureParameter {
  readonly kind: 'mode' | 'threshold' | 'required-classes';
  readonly checkId: string;
  readonly name: string;
  readonly value: string;
  readonly type: 'String' | 'StringList';
  readonly allowedPattern: string;
  /** SSM descriptions hold at most 1,024 characters. */
  readonly description: string;
}

const cap = (text: string) => (text.length <= 1024 ? text : `${text.slice(0, 1021)}...`);

/** The posture parameters a deployment starts with: each check's mode, threshold or baseline, at its CIS default. */
export function postureParameters(
  prefix: string,
  checks: readonly PostureCheck[] = POSTURE_CHECKS,
): PostureParameter[] {
  const out: PostureParameter[] = [];
  for (const check of checks) {
    const mode: RuleMode = check.defaultMode;
    out.push({
      kind: 'mode',
      checkId: check.id,
      name: postureSsmNames.mode(prefix, check.id),
      value: mode,
      type: 'String',
      allowedPattern: `^(${RULE_MODES.join('|')})$`,
      description: cap(
        `TrailGuard mode of posture check ${check.id} (${check.title}). Allowed values: ${RULE_MODES.join(' | ')}. ` +
          'off: not evaluated; alert: alert only; dry-run: plan recorded, nothing changed; enforce: remediate. ' +
          `Default: ${mode}.`,
      ),
    });
    const setting = check.setting;
    if (setting?.kind === 'threshold') {
      out.push({
        kind: 'threshold',
        checkId: check.id,
        name: postureSsmNames.threshold(prefix, check.id),
        value: String(setting.default),
        type: 'String',
        allowedPattern: '^[0-9]{1,4}$',
        description: cap(
          `TrailGuard threshold of posture check ${check.id}, in ${setting.unit}: ${setting.meaning}. Allowed ` +
            `values: a whole number from ${setting.min} to ${setting.max}. Default: ${setting.default}.`,
        ),
      });
    } else if (setting?.kind === 'character-classes') {
      const word = `(${CHARACTER_CLASSES.join('|')})`;
      out.push({
        kind: 'required-classes',
        checkId: check.id,
        name: postureSsmNames.requiredClasses(prefix, check.id),
        value: setting.default.join(','),
        type: 'StringList',
        allowedPattern: `^(none|${word}(,${word}){0,3})$`,
        description: cap(
          `TrailGuard password policy baseline of posture check ${check.id}: the character classes the account ` +
            `password policy must require. Allowed values: a comma-separated list of ${CHARACTER_CLASSES.join(', ')}, ` +
            `or none. Default: ${setting.default.join(',')}.`,
        ),
      });
    }
  }
  return out;
}
