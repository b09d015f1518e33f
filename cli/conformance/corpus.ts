/**
 * Reads the shared evaluation corpus (see `../shared/corpus/README.md`): Panther's CloudTrail rule tests and rule
 * index, the Sigma CloudTrail rule index and Stratus Red Team detonation logs. Files are read as they are; nothing
 * here rewrites an event (normalisation, and what it may and may not do, lives in `panther.ts`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Rule } from '../../lambdas/engine/types';
import { catalog } from '../../lambdas/rules';
import { ConfigFileError, type LoadedConfig, loadConfigFile } from '../config/config-file';

/** The repository root (this file is `cli/conformance/corpus.ts`). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where the corpus sits in a checkout: next to the repository, never inside it. */
export const DEFAULT_CORPUS_DIR = join(REPO_ROOT, '..', 'shared', 'corpus');

/** One Panther unit test: a single event and the verdict Panther's rule reaches on it. */
export interface PantherTest {
  readonly ruleId: string;
  readonly testName: string;
  readonly expected: boolean;
  /** The raw event, exactly as in the corpus (possibly lower-case keys, `p_*` fields, missing ids). */
  readonly event: unknown;
  /** The test mocks a Panther-side lookup, so its verdict depends on state outside the event. */
  readonly mocks: boolean;
  /** Panther's alert threshold for the rule, when it has one. */
  readonly threshold?: number;
}

export interface PantherRuleInfo {
  readonly id: string;
  readonly displayName: string;
  readonly severity: string;
  readonly enabled: boolean;
  /** Stratus techniques the Panther rule claims. */
  readonly stratus: readonly string[];
}

export interface SigmaRuleInfo {
  readonly title: string;
  readonly level: string;
  readonly eventSource: readonly string[];
  readonly eventName: readonly string[];
}

export interface StratusTechniqueInfo {
  readonly id: string;
  readonly name: string;
  readonly tactics: readonly string[];
}

/** One detonation log: the raw CloudTrail records the technique produced. */
export interface StratusFile {
  readonly technique: string;
  readonly events: readonly unknown[];
}

export interface Corpus {
  readonly dir: string;
  readonly pantherTests: readonly PantherTest[];
  readonly pantherRules: readonly PantherRuleInfo[];
  readonly sigmaRules: readonly SigmaRuleInfo[];
  readonly stratusTechniques: readonly StratusTechniqueInfo[];
  readonly stratusFiles: readonly StratusFile[];
}

/** The corpus cannot be read (missing directory or file, or a file that is not what the README describes). */
export class CorpusError extends Error {
  override readonly name = 'CorpusError';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new CorpusError(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}

function readJson(path: string): unknown {
  const text = readText(path);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CorpusError(`${path} is not JSON: ${(error as Error).message}`, { cause: error });
  }
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function parsePantherTests(text: string, where: string): PantherTest[] {
  const tests: PantherTest[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (error) {
      throw new CorpusError(`${where}:${index + 1} is not JSON: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (
      !isObject(row) ||
      typeof row.rule_id !== 'string' ||
      typeof row.test_name !== 'string' ||
      typeof row.expected !== 'boolean'
    ) {
      throw new CorpusError(`${where}:${index + 1}: expected {rule_id, test_name, expected, event}`);
    }
    const threshold = typeof row.rule_threshold === 'number' ? row.rule_threshold : undefined;
    tests.push({
      ruleId: row.rule_id,
      testName: row.test_name,
      expected: row.expected,
      event: row.event,
      mocks: row.mocks !== undefined && row.mocks !== null,
      ...(threshold === undefined ? {} : { threshold }),
    });
  });
  return tests;
}

export function parsePantherRules(text: string, where: string): PantherRuleInfo[] {
  const [header, ...lines] = text.split('\n');
  const columns = (header ?? '').split('\t');
  const col = (name: string) => {
    const i = columns.indexOf(name);
    if (i < 0) throw new CorpusError(`${where}: no "${name}" column`);
    return i;
  };
  const [id, name, severity, enabled, stratus] = [
    col('rule_id'),
    col('display_name'),
    col('severity'),
    col('enabled'),
    col('stratus'),
  ];
  return lines
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const cells = line.split('\t');
      return {
        id: cells[id] ?? '',
        displayName: cells[name] ?? '',
        severity: cells[severity] ?? '',
        enabled: (cells[enabled] ?? '').toLowerCase() === 'true',
        stratus: (cells[stratus] ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0),
      };
    })
    .filter((rule) => rule.id.length > 0);
}

export function parseSigmaRules(value: unknown, where: string): SigmaRuleInfo[] {
  if (!Array.isArray(value)) throw new CorpusError(`${where}: expected a JSON array`);
  return value.filter(isObject).map((r) => ({
    title: typeof r.title === 'string' ? r.title : '',
    level: typeof r.level === 'string' ? r.level : '',
    eventSource: strings(r.eventSource),
    eventName: strings(r.eventName),
  }));
}

export function parseStratusIndex(value: unknown, where: string): StratusTechniqueInfo[] {
  if (!Array.isArray(value)) throw new CorpusError(`${where}: expected a JSON array`);
  return value.filter(isObject).map((t) => ({
    id: typeof t.id === 'string' ? t.id : '',
    name: typeof t.name === 'string' ? t.name : '',
    tactics: strings(t.tactics),
  }));
}

/**
 * CloudTrail records from a JSON file: a bare array (the detonation logs, our benign fixtures) or a CloudTrail
 * log file's `{"Records": [...]}`.
 */
export function recordsOf(value: unknown, where: string): unknown[] {
  if (Array.isArray(value)) return value;
  if (isObject(value) && Array.isArray(value.Records)) return value.Records;
  throw new CorpusError(`${where}: expected a JSON array of CloudTrail records or {"Records": [...]}`);
}

/** Every `*.json` file in `dir` with its records, sorted by file name. */
export function readRecordFiles(dir: string): { name: string; events: unknown[] }[] {
  if (!existsSync(dir)) throw new CorpusError(`no such directory: ${dir}`);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({
      name: file.replace(/\.json$/, ''),
      events: recordsOf(readJson(join(dir, file)), join(dir, file)),
    }));
}

/** Reads the whole corpus from `dir`; throws `CorpusError` naming the first file that is missing or malformed. */
export function loadCorpus(dir: string = DEFAULT_CORPUS_DIR): Corpus {
  if (!existsSync(dir)) {
    throw new CorpusError(
      `no corpus at ${dir} (expected ../shared/corpus next to the repository; see its README)`,
    );
  }
  const path = (name: string) => join(dir, name);
  return {
    dir,
    pantherTests: parsePantherTests(readText(path('panther-tests.jsonl')), path('panther-tests.jsonl')),
    pantherRules: parsePantherRules(readText(path('panther-rules.tsv')), path('panther-rules.tsv')),
    sigmaRules: parseSigmaRules(readJson(path('sigma-rules.json')), path('sigma-rules.json')),
    stratusTechniques: parseStratusIndex(readJson(path('stratus-index.json')), path('stratus-index.json')),
    stratusFiles: readRecordFiles(path('stratus')).map((f) => ({ technique: f.name, events: f.events })),
  };
}

/** A finding the benign set is known to raise, and why it is accepted rather than tuned away. */
export interface KnownBenignFinding {
  readonly ruleId: string;
  /** The benign file (without `.json`) whose events raise it. */
  readonly scenario: string;
  readonly reason: string;
  /**
   * Whether the finding is still expected with the set's `config.json` (the organisation's tuning), and why the
   * tuning does not (or should not) remove it. Absent: the tuning removes it.
   */
  readonly tuned?: string;
}

export interface BenignSet {
  readonly dir: string;
  readonly files: readonly { name: string; events: readonly unknown[] }[];
  readonly known: readonly KnownBenignFinding[];
  /** `<dir>/config.json`: the settings the organisation in the set would deploy (trusted accounts, allowlists). */
  readonly config?: LoadedConfig;
}

/**
 * The benign set: `<dir>/events/*.json`, the accepted findings in `<dir>/known-findings.json` (optional) and the
 * organisation's settings in `<dir>/config.json` (optional, the `--config` format).
 */
export function loadBenignSet(dir: string, rules: readonly Rule[] = catalog): BenignSet {
  const knownPath = join(dir, 'known-findings.json');
  const raw = existsSync(knownPath) ? readJson(knownPath) : [];
  if (!Array.isArray(raw)) throw new CorpusError(`${knownPath}: expected a JSON array`);
  const known = raw.map((entry, i) => {
    if (
      !isObject(entry) ||
      typeof entry.ruleId !== 'string' ||
      typeof entry.scenario !== 'string' ||
      typeof entry.reason !== 'string'
    ) {
      throw new CorpusError(`${knownPath}[${i}]: expected {ruleId, scenario, reason}`);
    }
    if (entry.tuned !== undefined && typeof entry.tuned !== 'string') {
      throw new CorpusError(
        `${knownPath}[${i}]: "tuned" must be a string (why the tuning leaves the finding)`,
      );
    }
    return {
      ruleId: entry.ruleId,
      scenario: entry.scenario,
      reason: entry.reason,
      ...(typeof entry.tuned === 'string' ? { tuned: entry.tuned } : {}),
    };
  });
  const configPath = join(dir, 'config.json');
  let config: LoadedConfig | undefined;
  try {
    config = existsSync(configPath) ? loadConfigFile(configPath, rules) : undefined;
  } catch (error) {
    if (error instanceof ConfigFileError) throw new CorpusError(error.message);
    throw error;
  }
  return { dir, files: readRecordFiles(join(dir, 'events')), known, ...(config ? { config } : {}) };
}
