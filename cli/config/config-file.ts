/**
 * `--config <file>`: the run-time settings the Lambdas read from SSM, for offline runs (scan, conformance). Two
 * shapes are accepted:
 * - an object of parameter names relative to the prefix and their values, e.g.
 *   `{"context/trusted-accounts": "111122223333,444455556666", "rules/iam.admin-policy-attached/mode": "off"}`
 *   (a list may also be a JSON array of strings);
 * - the output of `aws ssm get-parameters-by-path --path /trailguard --recursive` (`{"Parameters": [{"Name",
 *   "Value"}...]}`), so a deployment's live settings can be replayed over archived logs.
 * Every name and value is validated as the Lambdas validate them; unlike the Lambdas (which keep running on the
 * last valid value), an offline run refuses a file with any problem, naming each one.
 */
import { readFileSync } from 'node:fs';
import {
  type ConfigurableRule,
  parameterKind,
  parseRuntimeConfig,
  type RuntimeConfig,
} from '../../lambdas/config/runtime-config';
import type { Rule, RuleSettings } from '../../lambdas/engine/types';
import { UsageError } from '../types';

export class ConfigFileError extends Error {
  override readonly name = 'ConfigFileError';
}

/**
 * A full SSM name (`/trailguard/rules/x/mode`) → the name relative to its prefix (`rules/x/mode`): the shortest
 * trailing part `parameterKind` knows, so the names stay listed in one place. `undefined` when no part is known.
 */
function relativeName(name: string, rules: readonly ConfigurableRule[]): string | undefined {
  if (!name.startsWith('/')) return name;
  const parts = name.split('/');
  for (let i = parts.length - 1; i >= 1; i--) {
    const candidate = parts.slice(i).join('/');
    if (parameterKind(candidate, rules) !== 'unknown') return candidate;
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The name → value pairs of either accepted shape, with where each came from for error messages. */
function entriesOf(json: unknown, path: string): { name: string; value: unknown; where: string }[] {
  if (!isObject(json))
    throw new ConfigFileError(`${path}: expected a JSON object of parameter names and values`);
  const parameters = json.Parameters;
  if (Array.isArray(parameters)) {
    return parameters.map((p, i) => {
      const where = `${path}: Parameters[${i}]`;
      if (!isObject(p) || typeof p.Name !== 'string')
        throw new ConfigFileError(`${where}: expected {"Name", "Value"}`);
      return { name: p.Name, value: p.Value, where: `${where} (${p.Name})` };
    });
  }
  return Object.entries(json).map(([name, value]) => ({ name, value, where: `${path}: "${name}"` }));
}

/** A validated config file: the settings, and which parameters it set (rules it does not mention keep their defaults). */
export interface LoadedConfig {
  readonly config: RuntimeConfig;
  /** Parameter names (relative) the file set. */
  readonly set: ReadonlySet<string>;
}

export function parseConfigFile(
  text: string,
  path: string,
  rules: readonly ConfigurableRule[],
): LoadedConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigFileError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  const raw: Record<string, string> = {};
  const errors: string[] = [];
  for (const { name, value, where } of entriesOf(json, path)) {
    const relative = relativeName(name, rules);
    const kind = relative === undefined ? 'unknown' : parameterKind(relative, rules);
    if (kind === 'unknown' || relative === undefined) {
      errors.push(`${where}: unknown parameter (see README, "Run-time configuration")`);
      continue;
    }
    if (kind === 'internal') continue;
    if (typeof value === 'string') raw[relative] = value;
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string'))
      raw[relative] = value.join(',');
    else if (typeof value === 'number' || typeof value === 'boolean') raw[relative] = String(value);
    else errors.push(`${where}: expected a string or an array of strings`);
  }
  const config = parseRuntimeConfig(raw, '', rules);
  for (const p of config.problems) {
    errors.push(`${path}: "${p.parameter.replace(/^\//, '')}" value ${JSON.stringify(p.value)} ${p.reason}`);
  }
  if (errors.length > 0) throw new ConfigFileError(errors.join('\n'));
  return { config, set: new Set(Object.keys(raw)) };
}

export function loadConfigFile(path: string, rules: readonly ConfigurableRule[]): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigFileError(`cannot read --config ${path}: ${(error as Error).message}`);
  }
  return parseConfigFile(text, path, rules);
}

/**
 * A rule's settings for an offline run (scan, conformance), which evaluates every rule it is given, including
 * rules that are off by default (as `alert`). A config file's thresholds, windows and allowed principals apply,
 * and a mode it sets explicitly (`off` included) wins.
 */
export function offlineSettings(rule: Rule, loaded: LoadedConfig | undefined): RuleSettings {
  const mode = rule.defaultMode === 'off' ? 'alert' : rule.defaultMode;
  const configured = loaded?.config.rules.get(rule.id);
  if (loaded === undefined || configured === undefined) return { mode };
  return loaded.set.has(`rules/${rule.id}/mode`) ? configured : { ...configured, mode };
}

/** `--config <file>` of a command: undefined without it; a bad file is a usage error naming every problem. */
export function configOption(
  path: string | undefined,
  rules: readonly ConfigurableRule[],
): LoadedConfig | undefined {
  if (path === undefined) return undefined;
  try {
    return loadConfigFile(path, rules);
  } catch (error) {
    if (error instanceof ConfigFileError) throw new UsageError(error.message);
    throw error;
  }
}
