import { createHash } from 'node:crypto';
import type { Finding, Severity } from '../engine/types';
import { truncate } from '../shared/text';
import type { AggregatedSample, Digest } from './documents';

/**
 * Aggregation of repeated findings, as pure functions over a window (the state lives in `window-store.ts`).
 *
 * Repeats are findings of the same rule about the same principal (or, for threshold rules, the same group) whose
 * EVENT times lie within the window length of the finding that opened the window. The opening finding is alerted
 * at once; repeats are counted, not emailed. The count reaches people as a digest, sent by whichever comes first:
 * - the next finding after the window (`window-closed`): the digest goes out, that finding is alerted and opens
 *   a new window;
 * - the window's end (`window-ended`): the alerter schedules a delayed check on its own queue when it counts the
 *   first repeat, and sends the digest once the window is over (plus a grace for late CloudTrail delivery).
 *
 * Event time, not arrival time: CloudTrail delivers minutes late and out of order, and a replay of old events must
 * aggregate as the events happened.
 */

/** Kept per window: enough for people to see what the repeats were, bounded so the item stays small. */
export const MAX_SAMPLES = 10;
/** Finding ids remembered per window, so a redelivered repeat is not counted twice. */
export const MAX_RECENT_IDS = 200;
/** After the window's end, how long to wait for late CloudTrail events before sending the digest. */
export const LATE_EVENT_GRACE_SECONDS = 300;

export interface AggregationWindow {
  /** State key (see {@link windowKey}). */
  readonly key: string;
  readonly ruleId: string;
  readonly title: string;
  readonly severity: Severity;
  readonly subject: string;
  readonly principal: Finding['principal'];
  readonly account?: string;
  readonly region?: string;
  /** Event time of the alerted finding, epoch ms; the window is [start, end). */
  readonly start: number;
  readonly end: number;
  readonly windowSeconds: number;
  readonly alertedFindingId: string;
  /** Repeats counted since the window opened or was last digested. */
  readonly count: number;
  readonly first?: number;
  readonly last?: number;
  readonly samples: readonly AggregatedSample[];
  readonly recentIds: readonly string[];
  /** Digests already sent for this window (a window can end, be digested, then receive late repeats). */
  readonly digests: number;
  /** A delayed end-of-window check is on the queue. */
  readonly flushScheduled: boolean;
  /** A digest taken from this window and not yet known to be published; whoever sees it publishes it. */
  readonly pendingDigest?: Digest;
  /** Optimistic-locking version, set by the store. */
  readonly version: number;
}

export type Decision =
  /** Publish the finding. `next` is the window to store (absent: leave the stored one as it is). */
  | { readonly kind: 'alert'; readonly next?: AggregationWindow }
  /** Count the finding into `next` instead of publishing it. */
  | { readonly kind: 'suppress'; readonly next: AggregationWindow; readonly scheduleFlush: boolean }
  /** This finding was already counted (a redelivery). */
  | { readonly kind: 'duplicate' };

/**
 * Who or what a finding is about, for aggregation and for people; undefined when the finding does not say
 * (such findings are never aggregated: two unknown principals may be two attackers).
 */
export function aggregationSubject(finding: Finding): string | undefined {
  if (finding.threshold) return `${finding.threshold.groupByLabel} ${finding.threshold.groupKey}`;
  const p = finding.principal;
  return p.arn ?? p.identityArn ?? p.identityName ?? p.accessKeyId;
}

/** The state key of the window of a rule and subject: hashed, since both are attacker-influenced and long. */
export function windowKey(ruleId: string, subject: string): string {
  const hash = createHash('sha256').update(`${ruleId}\u0000${subject}`).digest('hex').slice(0, 40);
  return `alert-window#${hash}`;
}

/** What to do with `finding` given the stored window of its rule and subject. */
export function decide(
  current: AggregationWindow | undefined,
  finding: Finding,
  windowSeconds: number,
): Decision {
  const subject = aggregationSubject(finding);
  const t = Date.parse(finding.eventTime);
  if (windowSeconds <= 0 || subject === undefined || Number.isNaN(t)) return { kind: 'alert' };
  const base = current && withoutPending(current);
  if (base === undefined) return { kind: 'alert', next: open(finding, subject, t, windowSeconds) };
  // The alerted finding itself, delivered again (or retried after its publish failed): publish; dedupe decides.
  if (finding.id === base.alertedFindingId)
    return { kind: 'alert', next: current?.pendingDigest ? base : undefined };
  if (base.recentIds.includes(finding.id)) return { kind: 'duplicate' };
  const length = base.windowSeconds * 1000;
  if (t >= base.end) {
    // The activity goes on after the window: digest what was counted, alert this one, open a new window. The ids
    // counted so far move along, so a late redelivery of one of them is still recognised.
    const opened = { ...open(finding, subject, t, windowSeconds), recentIds: base.recentIds };
    return {
      kind: 'alert',
      next: base.count > 0 ? { ...opened, pendingDigest: digestOf(base, 'window-closed') } : opened,
    };
  }
  if (t <= base.start - length) {
    // Much older than the window (a replay, or a very late event): alert it on its own, keep the window.
    return { kind: 'alert', next: current?.pendingDigest ? base : undefined };
  }
  return {
    kind: 'suppress',
    scheduleFlush: !base.flushScheduled,
    next: {
      ...base,
      count: base.count + 1,
      first: Math.min(base.first ?? t, t),
      last: Math.max(base.last ?? t, t),
      samples:
        base.samples.length < MAX_SAMPLES
          ? [
              ...base.samples,
              {
                findingId: finding.id,
                eventTime: truncate(finding.eventTime, 64),
                summary: truncate(finding.summary, 300),
              },
            ]
          : base.samples,
      recentIds: [...base.recentIds, finding.id].slice(-MAX_RECENT_IDS),
      flushScheduled: true,
    },
  };
}

export type FlushDecision =
  | { readonly kind: 'nothing' }
  | { readonly kind: 'wait'; readonly delaySeconds: number }
  /** Store `next`; when it carries a `pendingDigest`, publish that once stored. */
  | { readonly kind: 'update'; readonly next: AggregationWindow };

/**
 * The delayed end-of-window check. `start` identifies the window the check was scheduled for: if that window was
 * already closed by a later finding (which sent its digest), there is nothing to do.
 */
export function decideFlush(
  current: AggregationWindow | undefined,
  start: number,
  now: number,
): FlushDecision {
  if (current === undefined || current.start !== start) return { kind: 'nothing' };
  const base = withoutPending(current);
  if (base.count === 0) {
    return current.flushScheduled || current.pendingDigest
      ? { kind: 'update', next: { ...base, flushScheduled: false } }
      : { kind: 'nothing' };
  }
  const due = base.end + LATE_EVENT_GRACE_SECONDS * 1000;
  if (now < due) return { kind: 'wait', delaySeconds: Math.min(900, Math.ceil((due - now) / 1000)) };
  return {
    kind: 'update',
    next: {
      ...base,
      count: 0,
      first: undefined,
      last: undefined,
      samples: [],
      digests: base.digests + 1,
      flushScheduled: false,
      pendingDigest: digestOf(base, 'window-ended'),
    },
  };
}

/** The digest of what `window` counted. Its id is fixed per window and flush, so publishing it is idempotent. */
export function digestOf(window: AggregationWindow, reason: Digest['reason']): Digest {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    schemaVersion: '1.0',
    id: `digest-${window.key.slice(window.key.indexOf('#') + 1)}-${window.start}-${window.digests}`,
    ruleId: window.ruleId,
    title: window.title,
    severity: window.severity,
    subject: window.subject,
    principal: window.principal,
    account: window.account,
    region: window.region,
    count: window.count,
    firstEventTime: iso(window.first ?? window.start),
    lastEventTime: iso(window.last ?? window.start),
    windowStart: iso(window.start),
    windowEnd: iso(window.end),
    windowSeconds: window.windowSeconds,
    alertedFindingId: window.alertedFindingId,
    samples: window.samples,
    reason,
  };
}

function open(finding: Finding, subject: string, t: number, windowSeconds: number): AggregationWindow {
  return {
    key: windowKey(finding.ruleId, subject),
    ruleId: finding.ruleId,
    title: truncate(finding.title, 256),
    severity: finding.severity,
    subject: truncate(subject, 512),
    // Capped like the finding's own fields, so a window item stays far below DynamoDB's 400 KB whatever arrives.
    principal: Object.fromEntries(
      Object.entries(finding.principal).map(([k, v]) => [k, typeof v === 'string' ? truncate(v, 512) : v]),
    ) as Finding['principal'],
    account: finding.account === undefined ? undefined : truncate(finding.account, 64),
    region: finding.region === undefined ? undefined : truncate(finding.region, 64),
    start: t,
    end: t + windowSeconds * 1000,
    windowSeconds,
    alertedFindingId: finding.id,
    count: 0,
    samples: [],
    recentIds: [],
    digests: 0,
    flushScheduled: false,
    version: 0,
  };
}

function withoutPending(window: AggregationWindow): AggregationWindow {
  const { pendingDigest: _published, ...rest } = window;
  return rest;
}
