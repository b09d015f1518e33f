/**
 * Compiles the rules' `match` patterns (over the CloudTrail record) into as few EventBridge rule patterns (over
 * the EventBridge envelope) as EventBridge's limits allow. Pure and deterministic: the output lands in a
 * CloudFormation template, so the same rules always give byte-identical patterns, whatever their input order.
 *
 * The compiled patterns are exact: a group's pattern matches an envelope exactly when its detail-type is a
 * CloudTrail one and the record matches one of the group's rules. Missing an event here would be a missed
 * detection, so every transformation below is an identity of EventBridge's pattern algebra:
 * - one group is `{"$or": [m1, m2, ...]}` over its rules' patterns (a pattern that is only `$or` is spliced in);
 * - two patterns that are identical except for one top-level value list merge into one with the union of the
 *   lists (`(R ∧ k∈A) ∨ (R ∧ k∈B) = R ∧ k∈(A∪B)`), and a pattern without that key absorbs them (`R ∨ (R ∧ k∈A) = R`).
 *   Rules that differ only by `eventName` under the same `eventSource` become `{eventSource: [s], eventName: [...]}`.
 *
 * Limits (Amazon EventBridge quotas): "Event pattern size", 2,048 characters by default (adjustable to 4,096), and
 * 1,000 `$or` combinations per pattern, where a pattern's combinations are the number of `$or`-free patterns it
 * expands into (aws/event-ruler `JsonRuleCompiler` expands `$or` the same way).
 */
import { CLOUDTRAIL_DETAIL_TYPES } from '../../shared/contract';
import type { EventPattern, PatternValue, Rule } from '../types';
import { RESERVED_OPERATOR_NAMES, validatePattern } from './match';

export interface EventBridgePatternGroup {
  /** The rules this pattern admits, sorted. */
  ruleIds: string[];
  /** The full envelope pattern for one EventBridge rule. */
  pattern: EventPattern;
}

export interface CompileOptions {
  /**
   * Maximum `JSON.stringify(pattern).length` of one compiled pattern.
   * @default 2048 (EventBridge's default "Event pattern size" quota)
   */
  readonly maxPatternLength?: number;
  /**
   * Maximum number of `$or` combinations in one compiled pattern.
   * @default 1000
   */
  readonly maxOrCombinations?: number;
}

export const DEFAULT_MAX_PATTERN_LENGTH = 2048;
export const DEFAULT_MAX_OR_COMBINATIONS = 1000;

/** Wraps a pattern over the CloudTrail record into a pattern over the EventBridge envelope that carries it. */
export function toEnvelopePattern(detail: EventPattern): EventPattern {
  return { 'detail-type': [...CLOUDTRAIL_DETAIL_TYPES], detail };
}

/** How many `$or`-free patterns `pattern` expands into: alternatives add up, nested `$or`s multiply. */
export function countCombinations(pattern: EventPattern): number {
  let total = 1;
  for (const [key, value] of Object.entries(pattern)) {
    if (key === '$or' && Array.isArray(value)) {
      let sum = 0;
      for (const alternative of value as EventPattern[]) sum += countCombinations(alternative);
      total *= sum;
    } else if (isObject(value)) {
      total *= countCombinations(value);
    }
  }
  return total;
}

/**
 * Packs `rules` into EventBridge envelope patterns. Throws `InvalidPatternError` for a malformed `match` and an
 * `Error` naming the rule when one rule alone exceeds a limit.
 */
export function compileEventBridgePatterns(
  rules: readonly Pick<Rule, 'id' | 'match'>[],
  options: CompileOptions = {},
): EventBridgePatternGroup[] {
  const maxLength = positiveInteger(
    options.maxPatternLength ?? DEFAULT_MAX_PATTERN_LENGTH,
    'maxPatternLength',
  );
  const maxCombinations = positiveInteger(
    options.maxOrCombinations ?? DEFAULT_MAX_OR_COMBINATIONS,
    'maxOrCombinations',
  );
  const limits: Limits = {
    maxLength,
    maxCombinations,
    prefixLength: JSON.stringify(toEnvelopePattern({})).length - 2,
  };

  const sorted = [...rules].sort((a, b) => compareStrings(a.id, b.id));
  const byPattern = new Map<string, Entry>();
  let previousId: string | undefined;
  for (const rule of sorted) {
    if (rule.id === previousId) throw new Error(`rule ${rule.id}: duplicate rule id`);
    previousId = rule.id;
    validatePattern(rule.match, `rule ${rule.id}`);
    const match = canonical(rule.match) as EventPattern;
    const length = envelopeLength(limits, [JSON.stringify(match).length]);
    if (length > maxLength) {
      throw new Error(
        `rule ${rule.id}: its EventBridge pattern is ${length} characters, over the ${maxLength}-character limit`,
      );
    }
    const combinations = countCombinations(match);
    if (combinations > maxCombinations) {
      throw new Error(
        `rule ${rule.id}: its EventBridge pattern expands into ${combinations} $or combinations, over the limit of ${maxCombinations}`,
      );
    }
    // Identical patterns share one entry.
    const key = JSON.stringify(match);
    const same = byPattern.get(key);
    if (same) same.ruleIds.push(rule.id);
    else byPattern.set(key, { ruleIds: [rule.id], match });
  }

  const entries = mergeEntries([...byPattern.values()], (match) => {
    return envelopeLength(limits, [JSON.stringify(match).length]) <= maxLength;
  });
  return pack(entries, limits);
}

// ---------------------------------------------------------------------------------------------------------------

interface Entry {
  /** Sorted. */
  ruleIds: string[];
  /** Canonical: object keys sorted. */
  match: EventPattern;
}

interface Limits {
  readonly maxLength: number;
  readonly maxCombinations: number;
  /** Length of the envelope around `detail`. */
  readonly prefixLength: number;
}

function isObject(value: unknown): value is EventPattern {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`${name} must be a positive integer, got ${value}`);
  return value;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A deep copy with object keys sorted, so equal patterns serialise identically. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort(compareStrings)) out[key] = canonical(value[key]);
  return out;
}

/** Length of the envelope whose `detail` is the `$or` of alternatives of these serialised lengths (or the only one). */
function envelopeLength(limits: Limits, alternativeLengths: readonly number[]): number {
  const n = alternativeLengths.length;
  let detail = 0;
  for (const length of alternativeLengths) detail += length;
  if (n > 1) detail += '{"$or":['.length + (n - 1) + ']}'.length;
  return limits.prefixLength + detail;
}

function isValueList(value: unknown): value is unknown[] {
  return Array.isArray(value);
}

/** Merges entries that differ in one top-level value list, until nothing merges. */
function mergeEntries(entries: Entry[], fits: (match: EventPattern) => boolean): Entry[] {
  let current = entries;
  for (let changed = true; changed; ) {
    changed = false;
    current = mergeIdentical(current);
    const keys = new Set<string>();
    for (const entry of current) {
      for (const [key, value] of Object.entries(entry.match))
        if (key !== '$or' && isValueList(value)) keys.add(key);
    }
    for (const key of [...keys].sort(compareStrings)) {
      const next = mergeOnKey(current, key, fits);
      if (next.length < current.length) {
        current = next;
        changed = true;
      }
    }
  }
  return current.sort((a, b) => compareStrings(a.ruleIds[0] as string, b.ruleIds[0] as string));
}

/** Entries whose patterns became identical through earlier merges share one entry. */
function mergeIdentical(entries: readonly Entry[]): Entry[] {
  const byPattern = new Map<string, Entry>();
  for (const entry of entries) {
    const key = JSON.stringify(entry.match);
    const same = byPattern.get(key);
    if (same)
      byPattern.set(key, {
        ruleIds: [...same.ruleIds, ...entry.ruleIds].sort(compareStrings),
        match: same.match,
      });
    else byPattern.set(key, entry);
  }
  return [...byPattern.values()];
}

function mergeOnKey(entries: readonly Entry[], key: string, fits: (match: EventPattern) => boolean): Entry[] {
  const buckets = new Map<string, { withKey: Entry[]; without: Entry[] }>();
  for (const entry of entries) {
    if (!isValueList(entry.match[key])) continue;
    const { [key]: _omitted, ...rest } = entry.match;
    const signature = JSON.stringify(rest);
    const bucket = buckets.get(signature);
    if (bucket) bucket.withKey.push(entry);
    else buckets.set(signature, { withKey: [entry], without: [] });
  }
  for (const entry of entries) {
    if (key in entry.match) continue;
    buckets.get(JSON.stringify(entry.match))?.without.push(entry);
  }

  const replaced = new Map<Entry, Entry | null>();
  for (const { withKey, without } of buckets.values()) {
    const absorber = without[0];
    if (absorber) {
      // The pattern without the key admits everything the others admit.
      const ruleIds = [...absorber.ruleIds, ...withKey.flatMap((e) => e.ruleIds)].sort(compareStrings);
      replaced.set(absorber, { ruleIds, match: absorber.match });
      for (const entry of withKey) replaced.set(entry, null);
      continue;
    }
    if (withKey.length < 2) continue;
    let acc = withKey[0] as Entry;
    let accMembers = [acc];
    const flush = (): void => {
      if (accMembers.length < 2) return;
      replaced.set(accMembers[0] as Entry, acc);
      for (const member of accMembers.slice(1)) replaced.set(member, null);
    };
    for (const entry of withKey.slice(1)) {
      const candidate: EventPattern = {
        ...acc.match,
        [key]: unionValues(acc.match[key] as PatternValue[], entry.match[key] as PatternValue[]),
      };
      if (fits(candidate)) {
        acc = { ruleIds: [...acc.ruleIds, ...entry.ruleIds].sort(compareStrings), match: candidate };
        accMembers.push(entry);
      } else {
        flush();
        acc = entry;
        accMembers = [entry];
      }
    }
    flush();
  }

  const out: Entry[] = [];
  for (const entry of entries) {
    const replacement = replaced.get(entry);
    if (replacement === undefined) out.push(entry);
    else if (replacement !== null) out.push(replacement);
  }
  return out;
}

/** The values of both lists, deduplicated and sorted by their JSON so the result does not depend on order. */
function unionValues(a: readonly PatternValue[], b: readonly PatternValue[]): PatternValue[] {
  const byJson = new Map<string, PatternValue>();
  for (const value of [...a, ...b]) byJson.set(JSON.stringify(value), value);
  return [...byJson.keys()].sort(compareStrings).map((json) => byJson.get(json) as PatternValue);
}

/** Field names EventBridge forbids inside `$or`: a pattern using one as a field cannot share a pattern. */
function usesReservedFieldName(pattern: EventPattern): boolean {
  for (const [key, value] of Object.entries(pattern)) {
    if (key === '$or') {
      if (Array.isArray(value) && (value as EventPattern[]).some(usesReservedFieldName)) return true;
      continue;
    }
    if (RESERVED_OPERATOR_NAMES.has(key)) return true;
    if (isObject(value) && usesReservedFieldName(value)) return true;
  }
  return false;
}

interface Group {
  readonly ruleIds: string[];
  readonly alternatives: EventPattern[];
  readonly lengths: number[];
  combinations: number;
  readonly shareable: boolean;
}

/** First-fit decreasing by pattern length: deterministic, and close to the fewest groups for small inputs. */
function pack(entries: readonly Entry[], limits: Limits): EventBridgePatternGroup[] {
  const items = entries.map((entry) => {
    const onlyOr = Object.keys(entry.match).length === 1 && Array.isArray(entry.match.$or);
    const alternatives = onlyOr ? (entry.match.$or as EventPattern[]) : [entry.match];
    return {
      entry,
      alternatives,
      lengths: alternatives.map((a) => JSON.stringify(a).length),
      combinations: countCombinations(entry.match),
      length: JSON.stringify(entry.match).length,
      shareable: !usesReservedFieldName(entry.match),
    };
  });
  items.sort(
    (a, b) =>
      b.length - a.length || compareStrings(a.entry.ruleIds[0] as string, b.entry.ruleIds[0] as string),
  );

  const groups: Group[] = [];
  for (const item of items) {
    const target = item.shareable
      ? groups.find(
          (g) =>
            g.shareable &&
            g.combinations + item.combinations <= limits.maxCombinations &&
            envelopeLength(limits, [...g.lengths, ...item.lengths]) <= limits.maxLength,
        )
      : undefined;
    if (target) {
      target.ruleIds.push(...item.entry.ruleIds);
      target.alternatives.push(...item.alternatives);
      target.lengths.push(...item.lengths);
      target.combinations += item.combinations;
    } else {
      groups.push({
        ruleIds: [...item.entry.ruleIds],
        alternatives: [...item.alternatives],
        lengths: [...item.lengths],
        combinations: item.combinations,
        shareable: item.shareable,
      });
    }
  }

  return groups.map((group) => {
    const ruleIds = group.ruleIds.sort(compareStrings);
    const only = group.alternatives.length === 1 ? group.alternatives[0] : undefined;
    const pattern = toEnvelopePattern(only ?? { $or: group.alternatives });
    // Safety net: what we emit must be a valid pattern within the limits we promised.
    const where = `compiled pattern for ${ruleIds.join(', ')}`;
    validatePattern(pattern, where, 'pattern');
    const length = JSON.stringify(pattern).length;
    if (length !== envelopeLength(limits, group.lengths) || length > limits.maxLength) {
      throw new Error(`${where}: length ${length} breaks the ${limits.maxLength}-character limit`);
    }
    return { ruleIds, pattern };
  });
}

/**
 * Every pattern whose events a rule needs delivered: its `match`, and for a sequence rule also its first step
 * (as `<id>/first`). Compile these, not the bare catalog, or a sequence's first step never reaches the analyzer.
 */
export function deliveryPatterns(rules: readonly Rule[]): { id: string; match: EventPattern }[] {
  return rules.flatMap((rule) =>
    rule.sequence
      ? [
          { id: rule.id, match: rule.match },
          { id: `${rule.id}/first`, match: rule.sequence.first },
        ]
      : [{ id: rule.id, match: rule.match }],
  );
}
