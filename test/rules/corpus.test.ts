/**
 * The catalog against labelled work nobody on this team wrote (../shared/corpus, see its README):
 * Stratus Red Team detonation logs and Panther's unit-test events.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CloudTrailRecord, Rule } from '../../lambdas/engine/types';
import { catalog } from '../../lambdas/rules/index';
import { CORPUS_DIR, counts } from './support';

interface PantherTest {
  rule_id: string;
  test_name: string;
  expected: boolean;
  event: CloudTrailRecord;
  mocks?: unknown;
}

const pantherTests = readFileSync(join(CORPUS_DIR, 'panther-tests.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim().length > 0)
  .map((line) => JSON.parse(line) as PantherTest);

function stratusEvents(technique: string): CloudTrailRecord[] {
  return JSON.parse(
    readFileSync(join(CORPUS_DIR, 'stratus', `${technique}.json`), 'utf8'),
  ) as CloudTrailRecord[];
}

/** Whether the events raise the rule: one counting event, or for thresholds a group reaching the count in a window. */
function raises(rule: Rule, events: CloudTrailRecord[]): boolean {
  const counted = events.filter((e) => counts(rule, e));
  const threshold = rule.threshold;
  if (threshold === undefined) return counted.length > 0;
  const times = new Map<string, number[]>();
  for (const event of counted) {
    const key = threshold.groupBy(event) as string;
    times.set(key, [...(times.get(key) ?? []), Date.parse(event.eventTime)]);
  }
  for (const list of times.values()) {
    list.sort((a, b) => a - b);
    for (let i = 0; i + threshold.count - 1 < list.length; i++) {
      const last = list[i + threshold.count - 1] as number;
      if (last - (list[i] as number) <= threshold.windowSeconds * 1000) return true;
    }
  }
  return false;
}

/**
 * Where a rule deliberately disagrees with a Panther rule it references, as the rules record it in
 * `references.disagreements`, keyed `<panther id>|<test name>`. Each entry must still disagree (so the records
 * cannot rot), must give a reason, and the recording rule must reference the Panther rule and say so in its
 * description or false positives.
 */
const KNOWN_DISAGREEMENTS: Record<string, { ruleId: string; why: string }[]> = {};
for (const rule of catalog) {
  for (const d of rule.references?.disagreements ?? []) {
    const key = `${d.panther}|${d.test}`;
    KNOWN_DISAGREEMENTS[key] = [...(KNOWN_DISAGREEMENTS[key] ?? []), { ruleId: rule.id, why: d.reason }];
  }
}

describe('Stratus Red Team detonations', () => {
  const claims = catalog.flatMap((rule) => (rule.stratus ?? []).map((t) => [rule.id, t, rule] as const));

  it.each(claims)('%s raises a finding on the %s detonation', (_id, technique, rule) => {
    expect(raises(rule, stratusEvents(technique))).toBe(true);
  });
});

describe('Panther rule tests', () => {
  const referencing = new Map<string, Rule[]>();
  for (const rule of catalog) {
    for (const id of rule.references?.panther ?? [])
      referencing.set(id, [...(referencing.get(id) ?? []), rule]);
  }
  const cases = pantherTests
    .filter((t) => referencing.has(t.rule_id))
    .map((t) => [`${t.rule_id}|${t.test_name}`, t] as const);

  it('has test events for every Panther rule the catalog references', () => {
    for (const id of referencing.keys())
      expect(
        pantherTests.some((t) => t.rule_id === id),
        id,
      ).toBe(true);
  });

  it.each(cases)('agrees with %s unless the disagreement is recorded', (key, test) => {
    // Act
    const ours = (referencing.get(test.rule_id) ?? []).some((rule) => counts(rule, test.event));

    // Assess
    const known = KNOWN_DISAGREEMENTS[key];
    if (known === undefined) {
      expect(ours).toBe(test.expected);
      return;
    }
    expect(ours, `recorded disagreement no longer disagrees: ${key}`).toBe(!test.expected);
    for (const { ruleId, why } of known) {
      const rule = catalog.find((r) => r.id === ruleId);
      expect(
        rule?.references?.panther ?? [],
        `${ruleId} records a disagreement with ${test.rule_id}`,
      ).toContain(test.rule_id);
      expect(why.trim().length, `${ruleId} should say why it disagrees on ${key}`).toBeGreaterThan(20);
      const metadata = `${rule?.description ?? ''} ${rule?.falsePositives.join(' ') ?? ''}`;
      expect(metadata, `${ruleId} should record why it disagrees with ${test.rule_id}`).toContain(
        test.rule_id,
      );
    }
  });

  it('records only disagreements with Panther tests that exist, once each', () => {
    const keys = new Set(cases.map(([key]) => key));
    for (const [key, records] of Object.entries(KNOWN_DISAGREEMENTS)) {
      expect(keys, key).toContain(key);
      expect(new Set(records.map((r) => r.ruleId)).size, key).toBe(records.length);
    }
  });
});
