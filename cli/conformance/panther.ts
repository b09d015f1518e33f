/**
 * The catalog against Panther's unit tests: for every Panther rule some TrailGuard rule references, does
 * TrailGuard reach Panther's verdict on that rule's test events?
 */
import { InvalidRecordError } from '../../lambdas/engine/errors';
import { parseCloudTrailRecord } from '../../lambdas/engine/record';
import type { CloudTrailRecord, Rule, Severity } from '../../lambdas/engine/types';
import type { PantherTest } from './corpus';
import { type Judgement, judgeEvent, judgementOf } from './judge';

/** The event time given to a test event that has none (a threshold needs a time to count in). */
export const SYNTHETIC_EVENT_TIME = '2000-01-01T00:00:00Z';

/** CloudTrail's own spelling of the fields the engine needs, to spot events whose keys were lower-cased. */
const CAMEL_CASE_FIELDS = [
  'eventVersion',
  'eventTime',
  'eventSource',
  'eventName',
  'eventID',
  'eventType',
  'awsRegion',
  'sourceIPAddress',
  'userAgent',
  'userIdentity',
  'requestParameters',
  'responseElements',
  'errorCode',
  'recipientAccountId',
] as const;

export interface NormalisedEvent {
  /** The record to evaluate; absent when the event cannot be evaluated honestly. */
  readonly record?: CloudTrailRecord;
  /** Fields given a synthetic value because the test event lacks them (`eventID`, `eventTime`). */
  readonly filled: readonly string[];
  /** Why the event was not evaluated. */
  readonly problem?: string;
  /** The event carries Panther enrichment fields (`p_*`); they are left in place (no pattern reads them). */
  readonly pantherFields: boolean;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Makes a Panther test event evaluable, minimally and visibly: a missing `eventID`, or an `eventTime` that is missing
 * or not a date (one test says "redacted"), gets a synthetic value (neither decides any verdict; the engine needs
 * both to key dedupe and time windows) and is reported in `filled`. Keys are never rewritten: an event whose CloudTrail fields are spelled in lower case (`eventname`) is
 * not what CloudTrail writes, and silently re-casing it would make the measurement about our normaliser rather
 * than our rules, so it is reported as not evaluated. Anything else the engine refuses is reported the same way.
 */
export function normalisePantherEvent(raw: unknown, syntheticId: string): NormalisedEvent {
  if (!isObject(raw)) return { filled: [], problem: 'the event is not a JSON object', pantherFields: false };
  const pantherFields = Object.keys(raw).some((k) => k.startsWith('p_'));
  const lowered = CAMEL_CASE_FIELDS.filter((f) => !(f in raw) && f.toLowerCase() in raw).map((f) =>
    f.toLowerCase(),
  );
  if (lowered.length > 0) {
    return {
      filled: [],
      pantherFields,
      problem:
        `keys are in lower case (${lowered.join(', ')}); CloudTrail writes camelCase and TrailGuard does not ` +
        'rewrite keys',
    };
  }
  const copy: Record<string, unknown> = { ...raw };
  const filled: string[] = [];
  if (copy.eventID === undefined) {
    copy.eventID = syntheticId;
    filled.push('eventID');
  }
  // A time that is not a date ("redacted") carries no more than a missing one.
  if (copy.eventTime === undefined || Number.isNaN(Date.parse(String(copy.eventTime)))) {
    filled.push(
      copy.eventTime === undefined ? 'eventTime' : `eventTime (was ${JSON.stringify(copy.eventTime)})`,
    );
    copy.eventTime = SYNTHETIC_EVENT_TIME;
  }
  try {
    return { record: parseCloudTrailRecord(copy, 'event'), filled, pantherFields };
  } catch (error) {
    if (!(error instanceof InvalidRecordError)) throw error;
    return { filled, pantherFields, problem: error.message.replace(/^event: /, '') };
  }
}

/** How a referenced Panther test row came out. */
export type RowOutcome =
  /** TrailGuard reaches Panther's verdict. */
  | 'agree'
  /** It does not, and no rule records why. */
  | 'disagree'
  /** It does not, and a referencing rule records why in `references.disagreements`. */
  | 'deliberate'
  /** The test mocks a Panther-side lookup: shown, not counted. */
  | 'mocks'
  /** The event could not be evaluated (see `problem`): shown, not counted. */
  | 'unevaluated';

export interface RowFiring {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly judgement: Judgement;
}

export interface PantherRowResult {
  readonly panther: string;
  readonly test: string;
  readonly expected: boolean;
  /** TrailGuard's verdict: some referencing rule raises (or counts) the event. Absent when not evaluated. */
  readonly ours?: boolean;
  readonly outcome: RowOutcome;
  /** The referencing rules that raised the event, with how they were judged. */
  readonly firing: readonly RowFiring[];
  readonly filled: readonly string[];
  readonly pantherFields: boolean;
  readonly problem?: string;
  /** For `deliberate`: the recorded reasons. */
  readonly reasons?: readonly { ruleId: string; reason: string }[];
  /** Rule errors on this event (a rule that throws is a bug, whatever the verdict). */
  readonly errors: readonly string[];
}

export interface PantherRuleResult {
  readonly panther: string;
  /** TrailGuard rules that reference it. */
  readonly rules: readonly string[];
  /** How those rules are judged per event. */
  readonly judgements: readonly Judgement[];
  readonly rows: number;
  readonly agree: number;
  readonly disagree: number;
  readonly deliberate: number;
  readonly mocks: number;
  readonly unevaluated: number;
}

/** A disagreement a rule records, and what became of it. */
export interface RecordedDisagreement {
  readonly ruleId: string;
  readonly panther: string;
  readonly test: string;
  readonly reason: string;
  /**
   * - `holds`: the row still disagrees (it is counted as `deliberate`);
   * - `stale`: the row now agrees (remove the record);
   * - `no-such-test`: the corpus has no such Panther test;
   * - `not-referenced`: the rule does not reference that Panther rule;
   * - `not-counted`: the row is a mocks row or could not be evaluated.
   */
  readonly status: 'holds' | 'stale' | 'no-such-test' | 'not-referenced' | 'not-counted';
}

export interface PantherResult {
  readonly referenced: readonly PantherRuleResult[];
  /** Referenced Panther ids with no test in the corpus. */
  readonly referencedWithoutTests: readonly string[];
  readonly rows: readonly PantherRowResult[];
  /** Rows counted in the agreement: not mocks, evaluated. */
  readonly counted: number;
  readonly agreed: number;
  /** Counted rows that disagree, deliberate ones included. */
  readonly disagreed: number;
  readonly deliberate: number;
  readonly mocks: number;
  readonly unevaluated: number;
  /** `agreed / counted`, 0 when nothing is counted. */
  readonly agreement: number;
  /** Counted rows Panther expects false on which a referencing rule raised a high or critical finding. */
  readonly highFalsePositives: readonly PantherRowResult[];
  readonly recordedDisagreements: readonly RecordedDisagreement[];
}

const HIGH: readonly Severity[] = ['high', 'critical'];

/** `<panther id>|<test name>`: how rows and recorded disagreements are keyed. */
export function rowKey(panther: string, test: string): string {
  return `${panther}|${test}`;
}

/** Every disagreement recorded in the rules' `references.disagreements`. */
export function recordedDisagreementsOf(
  rules: readonly Rule[],
): { ruleId: string; panther: string; test: string; reason: string }[] {
  return rules.flatMap((rule) =>
    (rule.references?.disagreements ?? []).map((d) => ({
      ruleId: rule.id,
      panther: d.panther,
      test: d.test,
      reason: d.reason,
    })),
  );
}

export async function measurePanther(
  rules: readonly Rule[],
  tests: readonly PantherTest[],
): Promise<PantherResult> {
  const referencing = new Map<string, Rule[]>();
  for (const rule of rules) {
    for (const id of new Set(rule.references?.panther ?? [])) {
      referencing.set(id, [...(referencing.get(id) ?? []), rule]);
    }
  }
  const recorded = recordedDisagreementsOf(rules);

  const rows: PantherRowResult[] = [];
  for (const [index, test] of tests.entries()) {
    const referencingRules = referencing.get(test.ruleId);
    if (referencingRules === undefined) continue;
    const normalised = normalisePantherEvent(test.event, `conformance-${index + 1}`);
    const base = {
      panther: test.ruleId,
      test: test.testName,
      expected: test.expected,
      filled: normalised.filled,
      pantherFields: normalised.pantherFields,
    };
    if (normalised.record === undefined) {
      rows.push({ ...base, outcome: 'unevaluated', firing: [], errors: [], problem: normalised.problem });
      continue;
    }
    const verdict = await judgeEvent(referencingRules, normalised.record);
    const firing = verdict.findings.map((f) => {
      const rule = referencingRules.find((r) => r.id === f.ruleId) as Rule;
      return { ruleId: f.ruleId, severity: f.severity, judgement: judgementOf(rule) };
    });
    const ours = firing.length > 0;
    const reasons = recorded
      .filter(
        (d) =>
          d.panther === test.ruleId &&
          d.test === test.testName &&
          referencingRules.some((r) => r.id === d.ruleId),
      )
      .map((d) => ({ ruleId: d.ruleId, reason: d.reason }));
    let outcome: RowOutcome;
    if (test.mocks) outcome = 'mocks';
    else if (ours === test.expected) outcome = 'agree';
    else outcome = reasons.length > 0 ? 'deliberate' : 'disagree';
    rows.push({
      ...base,
      ours,
      outcome,
      firing,
      errors: verdict.errors.map((e) => e.message),
      ...(outcome === 'deliberate' ? { reasons } : {}),
    });
  }

  const referenced = [...referencing.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([panther, refRules]) => {
      const own = rows.filter((r) => r.panther === panther);
      const count = (o: RowOutcome) => own.filter((r) => r.outcome === o).length;
      return {
        panther,
        rules: refRules.map((r) => r.id),
        judgements: [...new Set(refRules.map(judgementOf))],
        rows: own.length,
        agree: count('agree'),
        disagree: count('disagree'),
        deliberate: count('deliberate'),
        mocks: count('mocks'),
        unevaluated: count('unevaluated'),
      };
    });

  const testKeys = new Set(tests.map((t) => rowKey(t.ruleId, t.testName)));
  const rowByKey = new Map(rows.map((r) => [rowKey(r.panther, r.test), r]));
  const recordedDisagreements: RecordedDisagreement[] = recorded.map((d) => {
    const key = rowKey(d.panther, d.test);
    const row = rowByKey.get(key);
    let status: RecordedDisagreement['status'];
    if (!testKeys.has(key)) status = 'no-such-test';
    else if (!(referencing.get(d.panther) ?? []).some((r) => r.id === d.ruleId)) status = 'not-referenced';
    else if (row === undefined || row.outcome === 'mocks' || row.outcome === 'unevaluated')
      status = 'not-counted';
    else status = row.outcome === 'deliberate' ? 'holds' : 'stale';
    return { ...d, status };
  });

  const counted = rows.filter((r) => ['agree', 'disagree', 'deliberate'].includes(r.outcome));
  const agreed = counted.filter((r) => r.outcome === 'agree').length;
  return {
    referenced,
    referencedWithoutTests: referenced.filter((r) => r.rows === 0).map((r) => r.panther),
    rows,
    counted: counted.length,
    agreed,
    disagreed: counted.length - agreed,
    deliberate: counted.filter((r) => r.outcome === 'deliberate').length,
    mocks: rows.filter((r) => r.outcome === 'mocks').length,
    unevaluated: rows.filter((r) => r.outcome === 'unevaluated').length,
    agreement: counted.length === 0 ? 0 : agreed / counted.length,
    highFalsePositives: counted.filter((r) => !r.expected && r.firing.some((f) => HIGH.includes(f.severity))),
    recordedDisagreements,
  };
}
