import type { Finding, Severity } from '../engine/types';
import type { BusMessage } from '../findings/bus-message';

/**
 * The machine message (`default` variant) is `{ version, type, <type>: document }`; see
 * `schemas/alert-message.v1.schema.json`. New message types may be added within a version: consumers ignore
 * types they do not know. A breaking change to a document bumps the version.
 */
export const ALERT_MESSAGE_VERSION = '1.0';

/** One finding that was counted into a window instead of being emailed. */
export interface AggregatedSample {
  readonly findingId: string;
  readonly eventTime: string;
  readonly summary: string;
}

/**
 * Repeats of one rule for one principal (or threshold group) that were counted, not emailed, within an
 * aggregation window: one message instead of one email each.
 */
export interface Digest {
  readonly schemaVersion: '1.0';
  /** Deterministic per window and flush: the idempotency key of the digest message. */
  readonly id: string;
  readonly ruleId: string;
  readonly title: string;
  readonly severity: Severity;
  /** Who or what the findings are about (a principal ARN or name, or a threshold group). */
  readonly subject: string;
  readonly principal: Finding['principal'];
  readonly account?: string;
  readonly region?: string;
  /** Findings counted in this digest (the alerted one excluded). */
  readonly count: number;
  readonly firstEventTime: string;
  readonly lastEventTime: string;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly windowSeconds: number;
  /** The finding that opened the window and was alerted on its own. */
  readonly alertedFindingId: string;
  /** The first counted findings (at most 10). */
  readonly samples: readonly AggregatedSample[];
  /**
   * `window-closed`: a finding after the window was alerted (the activity continues);
   * `window-ended`: the window ended and no later finding has arrived (yet).
   */
  readonly reason: 'window-closed' | 'window-ended';
}

export interface SummaryFindingCount {
  readonly ruleId: string;
  readonly severity: Severity;
  /** Findings emailed one by one. */
  readonly alerted: number;
  /** Findings counted into aggregation windows (reported in digests). */
  readonly aggregated: number;
}

export interface SummaryActionCount {
  readonly ruleId: string;
  readonly action: string;
  /** Audit status: succeeded, already-applied, failed, dry-run, skipped-... */
  readonly status: string;
  readonly count: number;
}

/** Once a day: what TrailGuard saw and did in one UTC day. */
export interface DailySummary {
  readonly schemaVersion: '1.0';
  /** `summary-<day>`. */
  readonly id: string;
  /** The UTC day summarised, `YYYY-MM-DD`. */
  readonly day: string;
  readonly from: string;
  readonly to: string;
  readonly account?: string;
  readonly findings: readonly SummaryFindingCount[];
  readonly bySeverity: Readonly<Record<Severity, number>>;
  /** Remediation steps recorded in the audit table during the day, by rule, action and status. */
  readonly actions: readonly SummaryActionCount[];
  /** Rules in dry-run whose plan would have acted (audit status `dry-run`), by rule and action. */
  readonly dryRun: readonly { readonly ruleId: string; readonly action: string; readonly count: number }[];
  /** True when the audit table held more records than one summary reads; counts are then lower bounds. */
  readonly auditTruncated: boolean;
}

/** Everything the alerter publishes. */
export type AlertDocument =
  | BusMessage
  | { readonly type: 'digest'; readonly digest: Digest }
  | { readonly type: 'daily-summary'; readonly summary: DailySummary };
