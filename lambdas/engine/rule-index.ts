import type { CloudTrailRecord, EventPattern, Rule } from './types';

/** Exact string values a top-level pattern field is limited to, or undefined when it is not limited that way. */
function exactStrings(pattern: EventPattern, field: string): string[] | undefined {
  const leaf = pattern[field];
  if (!Array.isArray(leaf) || leaf.length === 0) return undefined;
  if (!leaf.every((v): v is string => typeof v === 'string')) return undefined;
  return leaf;
}

/**
 * Indexes rules by the exact `eventSource` and `eventName` values in their match patterns, so an event is only
 * checked against the rules that can match it. Rules whose pattern does not pin these fields down (for example
 * "any call by root", or an `$or` at the top) are checked against every event.
 */
export class RuleIndex {
  private readonly bySourceAndName = new Map<string, Rule[]>();
  private readonly bySourceOnly = new Map<string, Rule[]>();
  private readonly byNameOnly = new Map<string, Rule[]>();
  private readonly everywhere: Rule[] = [];
  private readonly cache = new Map<string, readonly Rule[]>();

  constructor(readonly rules: readonly Rule[]) {
    for (const rule of rules) {
      this.add(rule, rule.match);
      // A sequence rule must also see events of its first step.
      if (rule.sequence) this.add(rule, rule.sequence.first);
    }
  }

  private add(rule: Rule, pattern: EventPattern): void {
    const sources = pattern.$or === undefined ? exactStrings(pattern, 'eventSource') : undefined;
    const names = pattern.$or === undefined ? exactStrings(pattern, 'eventName') : undefined;
    if (sources && names) {
      for (const s of sources) for (const n of names) push(this.bySourceAndName, `${s}\u0000${n}`, rule);
    } else if (sources) {
      for (const s of sources) push(this.bySourceOnly, s, rule);
    } else if (names) {
      for (const n of names) push(this.byNameOnly, n, rule);
    } else {
      this.everywhere.push(rule);
    }
  }

  /** The rules that can match this event, in catalog order. */
  candidates(event: Pick<CloudTrailRecord, 'eventSource' | 'eventName'>): readonly Rule[] {
    const key = `${event.eventSource}\u0000${event.eventName}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const found = new Set<Rule>([
      ...(this.bySourceAndName.get(key) ?? []),
      ...(this.bySourceOnly.get(event.eventSource) ?? []),
      ...(this.byNameOnly.get(event.eventName) ?? []),
      ...this.everywhere,
    ]);
    const ordered = this.rules.filter((r) => found.has(r));
    // Attackers control eventName in principle (failed calls to made-up APIs are still logged): bound the cache.
    if (this.cache.size < 10_000) this.cache.set(key, ordered);
    return ordered;
  }
}

function push(map: Map<string, Rule[]>, key: string, rule: Rule): void {
  const list = map.get(key);
  if (list) list.push(rule);
  else map.set(key, [rule]);
}
