import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileEventBridgePatterns } from '../../lambdas/engine/pattern/compile';
import { validatePattern } from '../../lambdas/engine/pattern/match';
import type { CloudTrailRecord, RemediationStep, Rule } from '../../lambdas/engine/types';
import { ACTION_IDS, RULE_MODES, SEVERITIES } from '../../lambdas/engine/types';
import { catalog, getRule } from '../../lambdas/rules/index';
import { CORPUS_DIR, counts, fixtureRuleIds, hostileVariations, loadFixtures, REPO_ROOT } from './support';

const pantherIds = new Set(
  readFileSync(join(CORPUS_DIR, 'panther-rules.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t')[0])
    .filter((id): id is string => id !== undefined && id.length > 0),
);
const sigmaTitles = new Set(
  (JSON.parse(readFileSync(join(CORPUS_DIR, 'sigma-rules.json'), 'utf8')) as Array<{ title: string }>).map(
    (r) => r.title,
  ),
);
const stratusIds = new Set(
  (JSON.parse(readFileSync(join(CORPUS_DIR, 'stratus-index.json'), 'utf8')) as Array<{ id: string }>).map(
    (t) => t.id,
  ),
);

const RULE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*\.[a-z0-9]+(?:-[a-z0-9]+)*$/;
const ATTACK_ID = /^T\d{4}(\.\d{3})?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FULL_RECORD_FIELDS = [
  'eventVersion',
  'userIdentity',
  'eventTime',
  'eventSource',
  'eventName',
  'awsRegion',
  'sourceIPAddress',
  'userAgent',
  'requestParameters',
  'responseElements',
  'eventID',
  'readOnly',
  'eventType',
  'managementEvent',
  'recipientAccountId',
  'eventCategory',
];
// biome-ignore lint/suspicious/noControlCharactersInRegex: asserting that summaries carry no control characters.
const CONTROL_OR_BIDI = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const MAX_SUMMARY_LENGTH = 700;

function expectSafeSummary(rule: Rule, event: CloudTrailRecord): void {
  const summary = rule.summarize(event);
  expect(typeof summary).toBe('string');
  expect(summary.length).toBeGreaterThan(10);
  expect(summary.length).toBeLessThanOrEqual(MAX_SUMMARY_LENGTH);
  expect(summary).not.toMatch(CONTROL_OR_BIDI);
}

function expectWellFormedPlan(steps: RemediationStep[]): void {
  expect(Array.isArray(steps)).toBe(true);
  for (const step of steps) {
    expect(ACTION_IDS).toContain(step.action);
    expect(step.description.length).toBeGreaterThan(0);
    for (const value of Object.values(step.params)) {
      expect(typeof value).toBe('string');
      expect(value.length).toBeGreaterThan(0);
      expect(value.length).toBeLessThanOrEqual(2048);
    }
  }
}

/** Runs everything a rule computes from an event; none of it may throw. */
function exerciseRule(rule: Rule, event: CloudTrailRecord): void {
  rule.predicate?.(event);
  rule.threshold?.groupBy(event);
  counts(rule, event);
  expectSafeSummary(rule, event);
  expectWellFormedPlan(rule.remediation?.(event) ?? []);
}

/** The first positive fixture of every rule with its hostile variations, built once for the whole file. */
let samples: { id: string; name: string; variants: Array<[string, CloudTrailRecord]> }[] | undefined;
function otherRulesSamples(exceptRuleId: string) {
  samples ??= fixtureRuleIds().flatMap((id) =>
    loadFixtures(id, 'positive')
      .slice(0, 1)
      .map((f) => ({ id, name: f.name, variants: hostileVariations(f.event) })),
  );
  return samples.filter((s) => s.id !== exceptRuleId);
}

describe('rule catalog', () => {
  it('lists rules sorted by id with unique, well-formed ids', () => {
    // Prepare
    const ids = catalog.map((r) => r.id);

    // Assess
    expect(ids.length).toBeGreaterThanOrEqual(13);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) expect(id).toMatch(RULE_ID);
  });

  it('compiles into EventBridge patterns within EventBridge limits', () => {
    // Act
    const groups = compileEventBridgePatterns(catalog);

    // Assess
    expect(groups.flatMap((g) => g.ruleIds).sort()).toEqual(catalog.map((r) => r.id));
  });

  it('starts every summary with a capital letter', () => {
    for (const rule of catalog) {
      for (const { event } of loadFixtures(rule.id, 'positive'))
        expect(rule.summarize(event)).toMatch(/^[A-Z]/);
    }
  });

  it('finds every rule by id and nothing for an unknown id', () => {
    for (const rule of catalog) expect(getRule(rule.id)).toBe(rule);
    expect(getRule('no.such-rule')).toBeUndefined();
  });

  it('holds exactly the rule of every file under lambdas/rules/<family>/, named after its path', async () => {
    // Prepare
    const rulesDir = join(REPO_ROOT, 'lambdas', 'rules');
    const files = readdirSync(rulesDir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) =>
        readdirSync(join(rulesDir, d.name))
          .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
          .map((f) => ({ family: d.name, name: f.replace(/\.ts$/, '') })),
      );

    // Act
    const loaded = await Promise.all(
      files.map(async (f) => ({
        ...f,
        module: (await import(join(rulesDir, f.family, `${f.name}.ts`))) as { rule?: Rule },
      })),
    );

    // Assess
    expect(loaded.length).toBe(catalog.length);
    for (const { family, name, module } of loaded) {
      expect(module.rule?.id).toBe(`${family}.${name}`);
      expect(catalog).toContain(module.rule);
    }
  });
});

describe.each(catalog.map((rule) => [rule.id, rule] as const))('rule %s', (_id, rule) => {
  const positives = loadFixtures(rule.id, 'positive');
  const negatives = loadFixtures(rule.id, 'negative');

  it('has complete metadata', () => {
    expect(rule.title.trim().length).toBeGreaterThan(5);
    expect(rule.description.trim().length).toBeGreaterThan(60);
    expect(SEVERITIES).toContain(rule.severity);
    expect(RULE_MODES).toContain(rule.defaultMode);
    expect(rule.defaultMode).not.toBe('off');
    expect(rule.runbook.trim().length).toBeGreaterThan(300);
    expect(rule.falsePositives.length).toBeGreaterThan(0);
    for (const fp of rule.falsePositives) expect(fp.trim().length).toBeGreaterThan(10);
    expect(rule.attack.length).toBeGreaterThan(0);
    for (const id of rule.attack) expect(id).toMatch(ATTACK_ID);
  });

  it('references only Panther rules, Sigma titles and Stratus techniques that exist in the corpus', () => {
    for (const id of rule.references?.panther ?? []) expect(pantherIds, id).toContain(id);
    for (const title of rule.references?.sigma ?? []) expect(sigmaTitles, title).toContain(title);
    for (const id of rule.stratus ?? []) expect(stratusIds, id).toContain(id);
  });

  it('has a valid EventBridge pattern that pins eventSource and eventName together when it names API calls', () => {
    // Assess
    expect(() => validatePattern(rule.match, `rule ${rule.id}`)).not.toThrow();
    expect(() => compileEventBridgePatterns([rule])).not.toThrow();
    const source = rule.match.eventSource;
    const name = rule.match.eventName;
    const exact = (v: unknown) => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string');
    if (exact(name)) expect(exact(source)).toBe(true);
    if (exact(source)) expect(exact(name)).toBe(true);
  });

  it('has a sane threshold when it counts', () => {
    if (rule.threshold === undefined) return;
    expect(rule.threshold.groupByLabel.length).toBeGreaterThan(0);
    expect(Number.isInteger(rule.threshold.count)).toBe(true);
    expect(rule.threshold.count).toBeGreaterThanOrEqual(2);
    expect(rule.threshold.windowSeconds).toBeGreaterThan(0);
  });

  it('has at least two positive and two negative fixtures, each a full CloudTrail record', () => {
    expect(positives.length).toBeGreaterThanOrEqual(2);
    expect(negatives.length).toBeGreaterThanOrEqual(2);
    for (const { event, name } of [...positives, ...negatives]) {
      for (const field of FULL_RECORD_FIELDS) expect(event, `${name}: ${field}`).toHaveProperty(field);
      expect(event.eventID).toMatch(UUID);
      expect(Number.isNaN(Date.parse(event.eventTime))).toBe(false);
    }
  });

  it.each(positives.map((f) => [f.name, f] as const))('counts positive fixture %s', (_name, fixture) => {
    expect(counts(rule, fixture.event)).toBe(true);
  });

  it.each(negatives.map((f) => [f.name, f] as const))(
    'does not count negative fixture %s',
    (_name, fixture) => {
      expect(counts(rule, fixture.event)).toBe(false);
    },
  );

  it('summarizes every fixture in one clean, bounded sentence and plans well-formed steps', () => {
    for (const { event } of [...positives, ...negatives]) exerciseRule(rule, event);
  });

  it('never throws on hostile variations of its own fixtures and of the first positive fixture of every other rule', () => {
    // Prepare: all of this rule's fixtures, plus one real event of every other API in the catalog, damaged in
    // every way we know. (Every fixture of every rule for every rule grew with the square of the catalog.)
    const events = [
      ...[...positives, ...negatives].map((f) => ({ ...f, variants: hostileVariations(f.event) })),
      ...otherRulesSamples(rule.id),
    ];

    // Act / Assess
    for (const { name, variants } of events) {
      for (const [label, variant] of variants) {
        try {
          exerciseRule(rule, variant);
        } catch (error) {
          throw new Error(`${name} with ${label}: ${String(error)}`, { cause: error });
        }
      }
    }
  });

  it('never throws on arbitrary JSON in the untrusted parts of its first positive fixture', () => {
    // Prepare
    const base = positives[0]?.event;
    expect(base).toBeDefined();

    // Act / Assess
    fc.assert(
      fc.property(
        fc.record(
          {
            requestParameters: fc.jsonValue(),
            responseElements: fc.jsonValue(),
            additionalEventData: fc.jsonValue(),
            userIdentity: fc.oneof(
              fc.jsonValue(),
              fc.record({
                type: fc.oneof(
                  fc.constantFrom('IAMUser', 'AssumedRole', 'Root', 'FederatedUser', 'AWSService'),
                  fc.jsonValue(),
                ),
                userName: fc.jsonValue(),
                arn: fc.oneof(fc.string(), fc.jsonValue()),
                accessKeyId: fc.oneof(fc.constant('AKIAQ3EGUXBZ4TVMWK7N'), fc.jsonValue()),
                sessionContext: fc.jsonValue(),
              }),
            ),
            sourceIPAddress: fc.jsonValue(),
          },
          { requiredKeys: [] },
        ),
        (damage) => {
          exerciseRule(rule, { ...structuredClone(base), ...damage } as CloudTrailRecord);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('fixture folders', () => {
  it('belong to rules in the catalog', () => {
    const ids = new Set(catalog.map((r) => r.id));
    for (const id of fixtureRuleIds()) expect(ids, id).toContain(id);
  });
});
