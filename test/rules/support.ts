/**
 * Test support for the detection rules: typed fixture loading, the "does this event count" predicate and
 * hostile variations of events.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ruleMatches } from '../../lambdas/engine/evaluate';
import type { CloudTrailRecord, Rule } from '../../lambdas/engine/types';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const FIXTURES_DIR = join(REPO_ROOT, 'test', 'fixtures', 'rules');
/** The shared evaluation corpus, next to the repository (see its README). */
export const CORPUS_DIR = resolve(REPO_ROOT, '..', 'shared', 'corpus');

export type FixtureKind = 'positive' | 'negative';

export interface Fixture {
  readonly ruleId: string;
  readonly kind: FixtureKind;
  /** File name without `.json`. */
  readonly name: string;
  readonly event: CloudTrailRecord;
}

function listJson(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
  } catch {
    return [];
  }
}

/** The rule ids that have a fixture folder. */
export function fixtureRuleIds(): string[] {
  return readdirSync(FIXTURES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

export function loadFixtures(ruleId: string, kind: FixtureKind): Fixture[] {
  const dir = join(FIXTURES_DIR, ruleId, kind);
  return listJson(dir).map((file) => ({
    ruleId,
    kind,
    name: file.replace(/\.json$/, ''),
    event: JSON.parse(readFileSync(join(dir, file), 'utf8')) as CloudTrailRecord,
  }));
}

/** One fixture event by name; throws when it does not exist so a renamed fixture fails loudly. */
export function loadFixture(ruleId: string, kind: FixtureKind, name: string): CloudTrailRecord {
  const found = loadFixtures(ruleId, kind).find((f) => f.name === name);
  if (found === undefined) throw new Error(`no fixture ${ruleId}/${kind}/${name}.json`);
  return structuredClone(found.event);
}

export function allFixtures(): Fixture[] {
  return fixtureRuleIds().flatMap((id) => [...loadFixtures(id, 'positive'), ...loadFixtures(id, 'negative')]);
}

/**
 * Whether the event counts for the rule: it matches, and for threshold rules it also has a group to count in
 * (an event without a group is never counted).
 */
export function counts(rule: Rule, event: unknown): boolean {
  const record = event as CloudTrailRecord;
  if (!ruleMatches(rule, record)) return false;
  return rule.threshold === undefined || rule.threshold.groupBy(record) !== undefined;
}

/** Recursively replaces every leaf for which `replace` returns a value (other leaves are kept). */
export function mapLeaves(value: unknown, replace: (leaf: unknown) => unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => mapLeaves(v, replace));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapLeaves(v, replace)]));
  }
  return replace(value);
}

const TEN_KB = 'A'.repeat(10 * 1024);
const UNTRUSTED_PARTS = [
  'requestParameters',
  'responseElements',
  'additionalEventData',
  'userIdentity',
] as const;

/**
 * Hostile versions of an event, keeping `eventSource` and `eventName` so that patterns still select the rule
 * and its predicate and summary see the damage: missing and `null` blocks, wrong types, 10 KB strings,
 * control characters, arrays where objects are expected.
 */
export function hostileVariations(event: CloudTrailRecord): Array<[string, CloudTrailRecord]> {
  const keep = { eventSource: event.eventSource, eventName: event.eventName };
  const variations: Array<[string, CloudTrailRecord]> = [];
  for (const part of UNTRUSTED_PARTS) {
    for (const [label, value] of [
      ['null', null],
      ['missing', undefined],
      ['a number', 42],
      ['a string', 'x'],
      ['an array', [1, 'two', null]],
      ['an empty object', {}],
    ] as const) {
      const copy: Record<string, unknown> = { ...structuredClone(event) };
      if (value === undefined) delete copy[part];
      else copy[part] = structuredClone(value);
      variations.push([`${part} is ${label}`, copy as CloudTrailRecord]);
    }
  }
  const deep: Array<[string, (leaf: unknown) => unknown]> = [
    ['strings are numbers', (leaf) => (typeof leaf === 'string' ? 12345 : leaf)],
    ['strings are 10 KB', (leaf) => (typeof leaf === 'string' ? TEN_KB : leaf)],
    [
      'strings carry control and bidi characters',
      (leaf) => (typeof leaf === 'string' ? `${leaf}\n\u202e\u0000x` : leaf),
    ],
    ['leaves are null', () => null],
    ['leaves are objects', () => ({ nested: { deeper: [] } })],
    ['booleans are strings', (leaf) => (typeof leaf === 'boolean' ? String(leaf) : leaf)],
  ];
  for (const [label, replace] of deep) {
    variations.push([
      label,
      { ...(mapLeaves(structuredClone(event), replace) as CloudTrailRecord), ...keep },
    ]);
  }
  variations.push([
    'eventTime, eventID and region are wrong types',
    { ...structuredClone(event), eventTime: 7, eventID: null, awsRegion: {} } as unknown as CloudTrailRecord,
  ]);
  variations.push(['only the event names', { ...keep } as CloudTrailRecord]);
  return variations;
}
