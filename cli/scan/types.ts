/** Types shared by the scanner's readers (in worker threads or inline), the merge loop and the formatters. */
import type { CloudTrailRecord, Severity } from '../../lambdas/engine/types';

/** Where a record sits in its input: what people need to find it again. */
export interface RecordLocation {
  /** 1-based line in the (decompressed) text, when known. */
  readonly line?: number;
  /** 0-based character offset in the (decompressed) text, when known. */
  readonly offset?: number;
  /** Path inside the JSON document, e.g. `Records[16]` or `[3].detail`. */
  readonly pointer?: string;
}

export const PROBLEM_KINDS = [
  /** The input could not be opened or read, or holds nothing recognisable: nothing was scanned. */
  'unreadable',
  /** The input was damaged part-way (truncated or corrupt gzip, cut document): what came before was scanned. */
  'damaged',
  /** A line or array element that is not valid JSON. */
  'invalid-json',
  /** Valid JSON that is not a CloudTrail record (missing or mistyped required fields). */
  'invalid-record',
  /** A single line or record larger than the reader accepts. */
  'too-large',
  /** A rule threw on an event (the other rules still ran). */
  'rule-error',
] as const;
export type ProblemKind = (typeof PROBLEM_KINDS)[number];

/** Something wrong with the input, reported with where it is and counted; the scan goes on. */
export interface Problem {
  readonly kind: ProblemKind;
  /** The input's display name (path as given, or `<stdin>`). */
  readonly file: string;
  readonly location?: RecordLocation;
  readonly message: string;
}

/** A record that some rule's pattern and predicate match, sent to the engine. */
export interface CandidateEvent {
  readonly record: CloudTrailRecord;
  /** `eventTime` in epoch milliseconds. */
  readonly time: number;
  readonly location: RecordLocation;
}

/** Why a whole input was left out without being an error. */
export type SkipReason = 'cloudtrail-digest' | 'not-json';

/**
 * What a reader reports for a stretch of one input. Counters are deltas since the previous batch of the same
 * input; the last batch has `final: true`.
 */
export interface SourceBatch {
  /** Valid CloudTrail records read. */
  records: number;
  /** Records left out by `--since` / `--until`. */
  outsideRange: number;
  /** Every problem found, by kind (including those not carried in `problems`). */
  problemCounts: Partial<Record<ProblemKind, number>>;
  /** Input bytes consumed (compressed size for gzip). */
  bytes: number;
  /** Decompressed characters read. */
  chars: number;
  /** Earliest and latest `eventTime` of the valid records read (epoch ms), or `undefined` when none. */
  minTime: number | undefined;
  maxTime: number | undefined;
  candidates: CandidateEvent[];
  /** Problems with their location; at most `MAX_PROBLEMS_PER_INPUT` per input are carried, all are counted. */
  problems: Problem[];
  final: boolean;
  /** Set on the final batch: the input held nothing to scan, on purpose. */
  skipped?: SkipReason;
  /** The format detected, set on the final batch (for the summary). */
  format?: InputFormat;
}

export type InputFormat = 'cloudtrail-file' | 'json-array' | 'json-lines' | 'json-values';

/** Problem kinds that are about one record (counted as bad records), not a whole input. */
export const RECORD_PROBLEM_KINDS: ReadonlySet<ProblemKind> = new Set([
  'invalid-json',
  'invalid-record',
  'too-large',
]);

/** Problems carried per input; more are counted but not described, so a garbage file cannot flood memory. */
export const MAX_PROBLEMS_PER_INPUT = 100;

/** A finding as the scanner reports it (JSON, JSON Lines, SARIF and HTML all derive from this). */
export interface ScanFinding {
  /** Deterministic finding id (the same id the analyzer Lambda would give it). */
  readonly id: string;
  readonly ruleId: string;
  readonly title: string;
  readonly severity: Severity;
  /** MITRE ATT&CK technique ids. */
  readonly attack: readonly string[];
  /** CloudTrail `eventID`s behind the finding (for thresholds and sequences, the event that completed it). */
  readonly eventIds: readonly string[];
  /** ISO 8601 UTC. */
  readonly eventTime: string;
  /** ARN of the principal that acted (session ARN for roles), or `null` when CloudTrail names none. */
  readonly principal: string | null;
  /** `userIdentity.type`. */
  readonly principalType: string;
  readonly sourceIp: string | null;
  readonly account: string | null;
  readonly region: string | null;
  readonly userAgent: string | null;
  readonly summary: string;
  readonly threshold: {
    readonly groupByLabel: string;
    readonly groupKey: string;
    readonly count: number;
    readonly threshold: number;
    readonly windowSeconds: number;
  } | null;
  readonly sequence: {
    readonly firstLabel: string;
    readonly key: string;
    readonly withinSeconds: number;
  } | null;
  /** The remediation plan the deployed stack would compute: never executed by a scan. */
  readonly remediation: {
    readonly executed: false;
    /** The rule's default mode: `enforce` runs the plan, `dry-run` records it, `alert` and `off` ignore it. */
    readonly mode: string;
    readonly steps: readonly {
      readonly action: string;
      readonly params: Readonly<Record<string, string>>;
      readonly description: string;
    }[];
  };
  /** The input and position of the event that raised it. */
  readonly location: { readonly file: string } & RecordLocation;
}

export interface ScanSummary {
  readonly files: {
    /** Inputs read, fully or partly (stdin counts as one). */
    readonly scanned: number;
    readonly unreadable: number;
    /** Read only up to damage (truncated or corrupt). */
    readonly damaged: number;
    readonly skipped: number;
  };
  readonly events: {
    readonly read: number;
    readonly outsideRange: number;
    /** Events some rule's pattern matched, handed to the engine in event-time order. */
    readonly candidates: number;
    /** Candidates that arrived after the reorder window had moved past their time (analysed late). */
    readonly late: number;
    readonly first: string | null;
    readonly last: string | null;
  };
  /** Input bytes read (compressed size for gzip), and decompressed size in characters (bytes, for ASCII). */
  readonly bytes: { readonly input: number; readonly decompressed: number };
  readonly badRecords: number;
  readonly problems: { readonly total: number; readonly byKind: Readonly<Record<string, number>> };
  readonly findings: {
    readonly total: number;
    readonly bySeverity: Readonly<Record<string, number>>;
    readonly byRule: Readonly<Record<string, number>>;
  };
  readonly elapsedMs: number;
  readonly eventsPerSecond: number;
  /** Peak resident memory of the process so far (all threads). */
  readonly peakRssBytes: number;
  readonly workers: number;
  readonly reorderWindowSeconds: number;
}
