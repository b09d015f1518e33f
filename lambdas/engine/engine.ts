import { isAllowedPrincipal, NO_CONTEXT } from './context';
import { RuleEvaluationError } from './errors';
import { ruleMatches } from './evaluate';
import { buildFinding, findingId, truncate } from './finding';
import { matchesPattern } from './pattern/match';
import { RuleIndex } from './rule-index';
import type {
  CloudTrailRecord,
  DetectionContext,
  Finding,
  RemediationStep,
  Rule,
  RuleSettings,
  RuleSettingsResolver,
  SequenceSpec,
  StateStore,
} from './types';

/** Threshold windows are counted in this many buckets: counts are exact to 1/BUCKETS of the window. */
export const THRESHOLD_BUCKETS = 10;
/** How long "this finding was emitted" is remembered: longer than any CloudTrail redelivery or poller overlap. */
export const DEFAULT_EMITTED_TTL_SECONDS = 7 * 24 * 3600;
/** Extra life for threshold state so late (out-of-order) events still meet their window's counters. */
export const OUT_OF_ORDER_SLACK_SECONDS = 3600;

export interface EngineOptions {
  readonly state: StateStore;
  /** Per-rule mode and threshold overrides; defaults to each rule's own defaults. */
  readonly settings?: RuleSettingsResolver;
  /** Clock for `detectedAt`. */
  readonly now?: () => Date;
  readonly emittedTtlSeconds?: number;
  /** Report every event matching a threshold rule's pattern instead of counting (hunting mode). */
  readonly ignoreThresholds?: boolean;
  /** Trusted accounts and networks (SSM `context/*`); read once per event. Defaults to `NO_CONTEXT`. */
  readonly context?: () => DetectionContext | Promise<DetectionContext>;
}

export interface AnalysisResult {
  /** Findings not emitted before. Call `markEmitted` once they are safely published. */
  readonly findings: Finding[];
  /** Rules that threw on this event; the other rules still ran. */
  readonly errors: RuleEvaluationError[];
}

const defaultSettings: RuleSettingsResolver = (rule) => ({ mode: rule.defaultMode });

/**
 * The detection engine: pure logic over CloudTrail records plus a `StateStore`. The analyzer Lambda, the CLI
 * and the tests all run this class. Errors from the state store propagate (the caller retries the event);
 * errors from a rule are confined to that rule and event.
 */
export class DetectionEngine {
  private readonly index: RuleIndex;
  private readonly resolve: RuleSettingsResolver;
  private readonly now: () => Date;
  private readonly emittedTtl: number;
  /** Threshold findings awaiting `markEmitted`: where to record that their group fired. */
  private readonly pendingFired = new Map<string, { key: string; ttl: number }>();

  constructor(
    readonly rules: readonly Rule[],
    private readonly options: EngineOptions,
  ) {
    this.index = new RuleIndex(rules);
    this.resolve = options.settings ?? defaultSettings;
    this.now = options.now ?? (() => new Date());
    this.emittedTtl = options.emittedTtlSeconds ?? DEFAULT_EMITTED_TTL_SECONDS;
  }

  /** The rules the index selects for this event (exposed for tests and metrics). */
  candidates(event: CloudTrailRecord): readonly Rule[] {
    return this.index.candidates(event);
  }

  /**
   * Whether `analyze` could raise a finding or touch state for this event: a candidate rule's pattern and
   * predicate match it, or (when counting) its sequence's first step does; a rule that throws counts too, since
   * `analyze` reports it. When this is `false`, `analyze` does nothing at all, so a caller that sees mostly
   * irrelevant events (the offline scanner) may drop them early, in another thread, without changing any result.
   * Keep it in step with `analyze`. Modes, allowed principals and the detection context are not consulted (each
   * only narrows a match): it may say `true` for a rule that is `off` or an event a trusted account explains.
   */
  mayMatch(event: CloudTrailRecord): boolean {
    for (const rule of this.index.candidates(event)) {
      try {
        if (ruleMatches(rule, event)) return true;
        const sequence = rule.sequence;
        if (
          sequence &&
          !this.options.ignoreThresholds &&
          matchesPattern(sequence.first, event) &&
          (sequence.firstPredicate === undefined || sequence.firstPredicate(event))
        )
          return true;
      } catch {
        return true;
      }
    }
    return false;
  }

  async analyze(event: CloudTrailRecord): Promise<AnalysisResult> {
    const findings: Finding[] = [];
    const errors: RuleEvaluationError[] = [];
    const candidates = this.index.candidates(event);
    if (candidates.length === 0) return { findings, errors };
    const context = this.options.context ? await this.options.context() : NO_CONTEXT;
    for (const rule of candidates) {
      const settings = await this.resolve(rule);
      if (settings.mode === 'off') continue;
      // An allowed principal's events do not count toward thresholds or sequences either.
      if (isAllowedPrincipal(settings, event)) continue;
      try {
        const counting = !this.options.ignoreThresholds;
        let finding: Finding | undefined;
        if (rule.sequence && counting) {
          finding = await this.sequenceFinding(rule, rule.sequence, event, settings, context);
        } else if (!guard(rule, event, () => ruleMatches(rule, event, context))) {
          continue;
        } else {
          finding =
            rule.threshold && counting
              ? await this.thresholdFinding(rule, event, settings, context)
              : this.finding(rule, event, settings, context, findingId(rule.id, 'event', event.eventID));
        }
        if (finding && !(await this.wasEmitted(finding.id))) findings.push(finding);
      } catch (error) {
        if (error instanceof RuleEvaluationError) errors.push(error);
        else throw error;
      }
    }
    return { findings, errors };
  }

  /** Whether a finding with this id was already published (see `markEmitted`). */
  async wasEmitted(id: string): Promise<boolean> {
    return this.options.state.has(emittedKey(id));
  }

  /** Remembers that findings were published, so redelivered or overlapping events do not raise them again. */
  async markEmitted(findings: readonly Finding[]): Promise<void> {
    for (const f of findings) {
      const fired = this.pendingFired.get(f.id);
      if (fired) {
        await this.options.state.increment(fired.key, 1, fired.ttl);
        this.pendingFired.delete(f.id);
      }
      await this.options.state.putIfAbsent(emittedKey(f.id), this.emittedTtl);
    }
  }

  private finding(
    rule: Rule,
    event: CloudTrailRecord,
    settings: RuleSettings,
    context: DetectionContext,
    id: string,
    extra: Pick<Finding, 'threshold' | 'sequence'> = {},
  ): Finding {
    const summary = guard(rule, event, () => rule.summarize(event, context));
    const remediation: RemediationStep[] = guard(rule, event, () => rule.remediation?.(event, context) ?? []);
    return buildFinding({
      rule,
      event,
      id,
      mode: settings.mode,
      summary,
      remediation,
      detectedAt: this.now(),
      threshold: extra.threshold,
      sequence: extra.sequence,
    });
  }

  /**
   * Counts the event once (by eventID, so redelivery does not inflate counts) in its event-time bucket, then finds
   * the busiest window that contains the event. Out-of-order events land in their own bucket, so the verdict
   * depends on event time, not arrival order. A group that keeps going raises one finding per window length.
   */
  private async thresholdFinding(
    rule: Rule,
    event: CloudTrailRecord,
    settings: RuleSettings,
    context: DetectionContext,
  ) {
    const spec = rule.threshold;
    if (!spec) return undefined;
    const group = guard(rule, event, () => spec.groupBy(event));
    if (group === undefined || group === '') return undefined;
    const limit = settings.threshold ?? spec.count;
    const windowSeconds = settings.windowSeconds ?? spec.windowSeconds;
    const bucketSeconds = Math.max(1, Math.ceil(windowSeconds / THRESHOLD_BUCKETS));
    const buckets = Math.ceil(windowSeconds / bucketSeconds);
    const eventSeconds = Math.floor(Date.parse(event.eventTime) / 1000);
    const bucket = Math.floor(eventSeconds / bucketSeconds);
    const groupHash = findingId(group);
    const ttl = windowSeconds + 2 * bucketSeconds + OUT_OF_ORDER_SLACK_SECONDS;
    const state = this.options.state;

    if (await state.putIfAbsent(`thr-seen#${rule.id}#${event.eventID}`, ttl)) {
      await state.increment(counterKey(rule.id, groupHash, bucket), 1, ttl);
    }
    // Every window of `buckets` buckets that contains this event's bucket: an early event arriving late
    // must see the later events already counted, so look both ways and take the busiest window.
    const keys: string[] = [];
    for (let b = bucket - buckets + 1; b <= bucket + buckets - 1; b++)
      keys.push(counterKey(rule.id, groupHash, b));
    const counts = await state.getCounters(keys);
    let windowSum = 0;
    for (let i = 0; i < buckets; i++) windowSum += counts[i] ?? 0;
    let count = windowSum;
    for (let start = 1; start < buckets; start++) {
      windowSum += (counts[start + buckets - 1] ?? 0) - (counts[start - 1] ?? 0);
      count = Math.max(count, windowSum);
    }
    if (count < limit) return undefined;
    // One finding per burst: stay quiet while an earlier finding for this group fired within one window of this
    // event. The fired mark is written by markEmitted, so a finding whose publish failed fires again on retry.
    const firedKeys = keys.map((k) => `${k}#fired`);
    if ((await state.getCounters(firedKeys)).some((n) => n > 0)) return undefined;
    const id = findingId(rule.id, 'threshold', groupHash, String(bucket));
    if (this.pendingFired.size >= 10_000) this.pendingFired.clear();
    this.pendingFired.set(id, { key: `${counterKey(rule.id, groupHash, bucket)}#fired`, ttl });
    return this.finding(rule, event, settings, context, id, {
      threshold: {
        groupByLabel: spec.groupByLabel,
        groupKey: truncate(group, 256),
        count,
        threshold: limit,
        windowSeconds,
      },
    });
  }

  /**
   * Records the event as a first and/or second step of the sequence (once per eventID, in its event-time bucket)
   * and raises a finding when the other step is already counted within the window on the right side: first
   * steps look forward, second steps look back, so arrival order does not matter. One finding per key per window,
   * through the same fired marks as thresholds.
   */
  private async sequenceFinding(
    rule: Rule,
    spec: SequenceSpec,
    event: CloudTrailRecord,
    settings: RuleSettings,
    context: DetectionContext,
  ): Promise<Finding | undefined> {
    const isFirst = guard(
      rule,
      event,
      () =>
        matchesPattern(spec.first, event) &&
        (spec.firstPredicate === undefined || spec.firstPredicate(event)),
    );
    const isSecond = guard(rule, event, () => ruleMatches(rule, event, context));
    if (!isFirst && !isSecond) return undefined;
    const windowSeconds = settings.windowSeconds ?? spec.withinSeconds;
    const bucketSeconds = Math.max(1, Math.ceil(windowSeconds / THRESHOLD_BUCKETS));
    const buckets = Math.ceil(windowSeconds / bucketSeconds);
    const bucket = Math.floor(Date.parse(event.eventTime) / 1000 / bucketSeconds);
    const ttl = windowSeconds + 2 * bucketSeconds + OUT_OF_ORDER_SLACK_SECONDS;
    const state = this.options.state;
    const steps: ('first' | 'second')[] = [];
    if (isFirst) steps.push('first');
    if (isSecond) steps.push('second');

    for (const step of steps) {
      const key = guard(rule, event, () =>
        step === 'first' ? spec.keyOfFirst(event) : spec.keyOfSecond(event),
      );
      if (key === undefined || key === '') continue;
      const keyHash = findingId(key);
      const stepKey = (s: string, b: number) => `seq#${rule.id}#${s}#${keyHash}#${b}`;
      if (await state.putIfAbsent(`seq-seen#${rule.id}#${step}#${event.eventID}`, ttl)) {
        await state.increment(stepKey(step, bucket), 1, ttl);
      }
      const other = step === 'first' ? 'second' : 'first';
      const [from, to] = step === 'first' ? [bucket, bucket + buckets] : [bucket - buckets, bucket];
      const otherKeys: string[] = [];
      for (let b = from; b <= to; b++) otherKeys.push(stepKey(other, b));
      if (!(await state.getCounters(otherKeys)).some((n) => n > 0)) continue;
      const firedKeys: string[] = [];
      for (let b = bucket - buckets; b <= bucket + buckets; b++) firedKeys.push(stepKey('fired', b));
      if ((await state.getCounters(firedKeys)).some((n) => n > 0)) return undefined;
      const id = findingId(rule.id, 'sequence', keyHash, event.eventID);
      if (this.pendingFired.size >= 10_000) this.pendingFired.clear();
      this.pendingFired.set(id, { key: stepKey('fired', bucket), ttl });
      return this.finding(rule, event, settings, context, id, {
        sequence: { firstLabel: spec.firstLabel, key: truncate(key, 256), withinSeconds: windowSeconds },
      });
    }
    return undefined;
  }
}

function counterKey(ruleId: string, groupHash: string, bucket: number): string {
  return `thr#${ruleId}#${groupHash}#${bucket}`;
}

export function emittedKey(id: string): string {
  return `emitted#${id}`;
}

/** Runs rule-supplied code, turning anything it throws into a RuleEvaluationError for this rule and event. */
function guard<T>(rule: Rule, event: CloudTrailRecord, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw new RuleEvaluationError(rule.id, event.eventID, error);
  }
}
