import type { PublishCommandInput, SNSClient } from '@aws-sdk/client-sns';
import { z } from 'zod';
import {
  type CountedAs,
  SUMMARY_COUNTER_TTL_SECONDS,
  summaryCounterKey,
  utcDay,
} from '../alerting/summary-keys';
import { type AlertingSettings, DEFAULT_ALERTING } from '../config/runtime-config';
import type { Finding, StateStore } from '../engine/types';
import { type BusMessage, InvalidBusMessageError, parseBusMessage } from '../findings/bus-message';
import { outcomeVerdict } from '../findings/outcome';
import { describeIssues } from '../findings/schema';
import type { Log } from '../shared/log';
import {
  type AggregationWindow,
  aggregationSubject,
  decide,
  decideFlush,
  LATE_EVENT_GRACE_SECONDS,
  windowKey,
} from './aggregation';
import type { Digest } from './documents';
import { escalationReason } from './escalation';
import { publishOnce } from './publish-once';
import { type RenderOptions, renderFindingEmail, renderOutcomeEmail } from './render';
import { renderDigestEmail } from './render-digest';
import { type AlertAttributes, buildPublishInput } from './sns-message';
import type { WindowStore } from './window-store';

export { AlertInFlightError, CLAIM_TTL_SECONDS } from './publish-once';

/** The delayed end-of-window check the alerter puts on its own queue. */
export interface WindowCheck {
  readonly trailguard: 'aggregation-check';
  readonly key: string;
  /** Start (epoch ms, event time) of the window the check is for. */
  readonly start: number;
}

const windowCheckSchema = z.strictObject({
  trailguard: z.literal('aggregation-check'),
  key: z.string().regex(/^alert-window#[0-9a-f]{40}$/),
  start: z.number().int(),
});

export interface AlerterDeps {
  readonly sns: SNSClient;
  readonly topicArn: string;
  /**
   * Findings at or above the escalation severity, and remediations that failed or stopped (circuit open), are also
   * published here.
   *
   * @default - no escalation
   */
  readonly escalationTopicArn?: string;
  readonly state: StateStore;
  /**
   * Aggregation windows.
   *
   * @default - no aggregation: every finding is emailed
   */
  readonly windows?: WindowStore;
  /** @default DEFAULT_ALERTING */
  readonly settings?: () => Promise<AlertingSettings>;
  /**
   * Puts a delayed end-of-window check on the alerter's own queue.
   *
   * @default - none: a digest is sent only when the activity continues after the window
   */
  readonly scheduleCheck?: (check: WindowCheck, delaySeconds: number) => Promise<void>;
  readonly log: Log;
  readonly render: () => RenderOptions;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** How long a sent alert is remembered for dedupe. */
  readonly dedupeTtlSeconds?: number;
}

export interface AlertReport {
  /**
   * `published`: the message went out (or only its escalation or digest did); `duplicate`: it had already;
   * `aggregated`: a repeat, counted into its window; `checked`: an end-of-window check ran.
   */
  readonly result: 'published' | 'duplicate' | 'aggregated' | 'checked';
  /** Messages published to the escalation topic. */
  readonly escalated: number;
  /** Digests published. */
  readonly digests: number;
}

/** Too many concurrent writers on one aggregation window; the message is retried. */
export class WindowContentionError extends Error {
  override readonly name = 'WindowContentionError';
}

const MAX_WINDOW_ATTEMPTS = 5;

/**
 * Handles one message of the alerter queue: a finding or remediation outcome from the findings bus, or an
 * end-of-window check the alerter scheduled itself. Every publish is idempotent per topic and document, so a
 * redelivered message never emails twice; every failure throws, so the message is retried and then dead-lettered.
 */
export async function alert(body: string, messageId: string, deps: AlerterDeps): Promise<AlertReport> {
  const check = windowCheckOf(body, messageId);
  if (check) return runWindowCheck(check, deps);
  const message = parseBusMessage(body, `message ${messageId}`);
  const settings = (await deps.settings?.()) ?? DEFAULT_ALERTING;
  let digests = 0;
  if (message.type === 'finding') {
    // A late redelivery of a finding that was emailed must not be counted into a newer window (its escalation,
    // if that failed before, is still retried below).
    if (!(await deps.state.has(`alert-sent#finding#${message.finding.id}`))) {
      const aggregation = await aggregate(message.finding, settings, deps);
      digests += aggregation.digests;
      if (aggregation.suppressed) return { result: aggregation.suppressed, escalated: 0, digests };
    }
  }
  const id = message.type === 'finding' ? message.finding.id : message.outcome.id;
  const documentKey = `${message.type}#${id}`;
  const published = await publishOnce(
    'alert',
    documentKey,
    () => publishInput(message, deps),
    publisher(deps),
  );
  if (published === 'published' && message.type === 'finding') await count(message.finding, 'alerted', deps);
  let escalated = 0;
  const reason = escalationReason(message, settings.escalationMinSeverity);
  if (reason && deps.escalationTopicArn) {
    const topicArn = deps.escalationTopicArn;
    const result = await publishOnce(
      'escalation',
      documentKey,
      () => ({ ...publishInput(message, deps, reason), TopicArn: topicArn }),
      publisher(deps),
    );
    if (result === 'published') escalated += 1;
  }
  const result = published === 'published' || escalated > 0 ? 'published' : 'duplicate';
  return { result, escalated, digests };
}

/**
 * Counts a repeat into its window instead of publishing it, or opens a window for a finding that is published.
 * A digest a window carries is published before anything else touches the window.
 */
async function aggregate(
  finding: Finding,
  settings: AlertingSettings,
  deps: AlerterDeps,
): Promise<{ suppressed?: 'aggregated' | 'duplicate'; digests: number }> {
  const subject = aggregationSubject(finding);
  const windows = deps.windows;
  if (!windows || settings.aggregationWindowSeconds <= 0 || subject === undefined) return { digests: 0 };
  const key = windowKey(finding.ruleId, subject);
  let digests = 0;
  for (let attempt = 0; attempt < MAX_WINDOW_ATTEMPTS; attempt++) {
    const current = await windows.get(key);
    if (current?.pendingDigest) digests += await publishDigest(current.pendingDigest, deps);
    const decision = decide(current, finding, settings.aggregationWindowSeconds);
    if (decision.kind === 'duplicate') return { suppressed: 'duplicate', digests };
    if (decision.kind === 'suppress') {
      let scheduled = false;
      if (decision.scheduleFlush && deps.scheduleCheck) {
        // Before the write: if the write then fails, the message is retried and schedules again (a spare check
        // finds nothing to do); the other order could count the repeat and never schedule its digest.
        await deps.scheduleCheck(
          { trailguard: 'aggregation-check', key, start: decision.next.start },
          checkDelaySeconds(decision.next, nowOf(deps)),
        );
        scheduled = true;
      }
      const next = { ...decision.next, flushScheduled: (current?.flushScheduled ?? false) || scheduled };
      if (!(await windows.put(next, current?.version))) continue;
      await count(finding, 'aggregated', deps);
      deps.log.info('finding aggregated', { id: finding.id, ruleId: finding.ruleId, count: next.count });
      return { suppressed: 'aggregated', digests };
    }
    if (decision.next === undefined) return { digests };
    if (!(await windows.put(decision.next, current?.version))) continue;
    if (decision.next.pendingDigest) digests += await publishDigest(decision.next.pendingDigest, deps);
    return { digests };
  }
  throw new WindowContentionError(
    `aggregation window of ${finding.ruleId} changed ${MAX_WINDOW_ATTEMPTS} times while finding ${finding.id} was handled; retrying later`,
  );
}

/** The end-of-window check: digest what was counted once the window (and the grace for late events) is over. */
async function runWindowCheck(check: WindowCheck, deps: AlerterDeps): Promise<AlertReport> {
  const windows = deps.windows;
  if (!windows) {
    deps.log.warn('aggregation check received but aggregation is not configured; ignoring it', {
      key: check.key,
    });
    return { result: 'checked', escalated: 0, digests: 0 };
  }
  let digests = 0;
  for (let attempt = 0; attempt < MAX_WINDOW_ATTEMPTS; attempt++) {
    const current = await windows.get(check.key);
    if (current?.pendingDigest) digests += await publishDigest(current.pendingDigest, deps);
    const decision = decideFlush(current, check.start, nowOf(deps).getTime());
    if (decision.kind === 'nothing') return { result: 'checked', escalated: 0, digests };
    if (decision.kind === 'wait') {
      await deps.scheduleCheck?.(check, decision.delaySeconds);
      return { result: 'checked', escalated: 0, digests };
    }
    if (!(await windows.put(decision.next, current?.version))) continue;
    if (decision.next.pendingDigest) digests += await publishDigest(decision.next.pendingDigest, deps);
    return { result: 'checked', escalated: 0, digests };
  }
  throw new WindowContentionError(
    `aggregation window ${check.key} changed ${MAX_WINDOW_ATTEMPTS} times during its end-of-window check; retrying later`,
  );
}

async function publishDigest(digest: Digest, deps: AlerterDeps): Promise<number> {
  const result = await publishOnce(
    'alert',
    `digest#${digest.id}`,
    () =>
      buildPublishInput(deps.topicArn, { type: 'digest', digest }, renderDigestEmail(digest, deps.render()), {
        severity: digest.severity,
        ruleId: digest.ruleId,
        account: digest.account,
        action: 'digest',
      }),
    publisher(deps),
  );
  return result === 'published' ? 1 : 0;
}

function publishInput(message: BusMessage, deps: AlerterDeps, escalation?: string): PublishCommandInput {
  const options = deps.render();
  if (message.type === 'finding') {
    const f = message.finding;
    return buildPublishInput(deps.topicArn, message, renderFindingEmail(f, options), {
      severity: f.severity,
      ruleId: f.ruleId,
      account: f.account,
      action: `detected:${f.mode}`,
      escalation,
    } satisfies AlertAttributes);
  }
  const o = message.outcome;
  return buildPublishInput(deps.topicArn, message, renderOutcomeEmail(o, options), {
    severity: o.severity,
    ruleId: o.ruleId,
    account: o.account,
    action: `remediation:${outcomeVerdict(o)}`,
    escalation,
  });
}

/** Seconds until the window is over plus the grace for late events; SQS delays at most 15 minutes. */
function checkDelaySeconds(window: AggregationWindow, now: Date): number {
  const due = window.end + LATE_EVENT_GRACE_SECONDS * 1000;
  return Math.max(0, Math.min(900, Math.ceil((due - now.getTime()) / 1000)));
}

/** Daily-summary counters; best effort (a lost increment only makes the summary one short). */
async function count(finding: Finding, as: CountedAs, deps: AlerterDeps): Promise<void> {
  const key = summaryCounterKey(utcDay(nowOf(deps)), finding.ruleId, finding.severity, as);
  try {
    await deps.state.increment(key, 1, SUMMARY_COUNTER_TTL_SECONDS);
  } catch (error) {
    deps.log.warn('could not count the finding for the daily summary', {
      id: finding.id,
      reason: error instanceof Error ? error.message : String(error),
    });
  }
}

function windowCheckOf(body: string, messageId: string): WindowCheck | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined; // parseBusMessage reports it
  }
  if (typeof parsed !== 'object' || parsed === null || !('trailguard' in parsed)) return undefined;
  const check = windowCheckSchema.safeParse(parsed);
  if (!check.success) {
    throw new InvalidBusMessageError(
      `message ${messageId}: invalid aggregation check: ${describeIssues(check.error)}`,
    );
  }
  return check.data;
}

function publisher(deps: AlerterDeps) {
  return { sns: deps.sns, state: deps.state, log: deps.log, sentTtlSeconds: deps.dedupeTtlSeconds };
}

function nowOf(deps: AlerterDeps): Date {
  return deps.now?.() ?? new Date();
}
