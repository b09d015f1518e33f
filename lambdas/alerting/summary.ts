import type { SNSClient } from '@aws-sdk/client-sns';
import type { DailySummary, SummaryActionCount, SummaryFindingCount } from '../alerter/documents';
import { publishOnce } from '../alerter/publish-once';
import type { RenderedEmail, RenderOptions } from '../alerter/render';
import { accountLabel } from '../alerter/render';
import { clean, subjectLine } from '../alerter/sanitize';
import { buildPublishInput } from '../alerter/sns-message';
import { SEVERITIES, type Severity, type StateStore } from '../engine/types';
import type { Log } from '../shared/log';
import type { AuditLine, AuditReader } from './audit-scan';
import { summaryCounterKey } from './summary-keys';

/** More audit records than this in one day and the summary says its action counts are lower bounds. */
export const MAX_AUDIT_RECORDS = 5000;

export interface SummaryDeps {
  readonly sns: SNSClient;
  readonly topicArn: string;
  readonly state: StateStore;
  readonly audit: AuditReader;
  /** Rule ids whose counters are read (the catalog, plus TrailGuard's own configuration rule). */
  readonly ruleIds: readonly string[];
  readonly log: Log;
  readonly render: () => RenderOptions;
}

/** The UTC day before `at`, `YYYY-MM-DD`: a run shortly after midnight summarises the day that just ended. */
export function previousUtcDay(at: Date): string {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() - 1))
    .toISOString()
    .slice(0, 10);
}

/** Builds the summary of `day` from the alerter's counters and the audit table, and publishes it once. */
export async function sendDailySummary(
  day: string,
  deps: SummaryDeps,
): Promise<{ result: 'published' | 'duplicate'; summary: DailySummary }> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new RangeError(`day must be YYYY-MM-DD, got "${day}"`);
  const from = `${day}T00:00:00.000Z`;
  const to = new Date(Date.parse(from) + 24 * 3600 * 1000).toISOString();
  const keys = deps.ruleIds.flatMap((ruleId) =>
    SEVERITIES.flatMap((severity) => [
      summaryCounterKey(day, ruleId, severity, 'alerted'),
      summaryCounterKey(day, ruleId, severity, 'aggregated'),
    ]),
  );
  const values = await deps.state.getCounters(keys);
  const counted = new Map(keys.map((key, i) => [key, values[i] ?? 0]));
  const findings: SummaryFindingCount[] = [];
  for (const ruleId of deps.ruleIds) {
    for (const severity of SEVERITIES) {
      const alerted = counted.get(summaryCounterKey(day, ruleId, severity, 'alerted')) ?? 0;
      const aggregated = counted.get(summaryCounterKey(day, ruleId, severity, 'aggregated')) ?? 0;
      if (alerted + aggregated > 0) findings.push({ ruleId, severity, alerted, aggregated });
    }
  }
  const audit = await deps.audit.updatedBetween(from, to, MAX_AUDIT_RECORDS);
  const summary = buildSummary(
    day,
    from,
    to,
    findings,
    audit.records,
    audit.truncated,
    accountOf(deps.topicArn),
  );
  const result = await publishOnce(
    'alert',
    `daily-summary#${day}`,
    () =>
      buildPublishInput(
        deps.topicArn,
        { type: 'daily-summary', summary },
        renderSummaryEmail(summary, deps.render()),
        { account: summary.account, action: 'daily-summary' },
      ),
    { sns: deps.sns, state: deps.state, log: deps.log },
  );
  return { result, summary };
}

/** Pure: the summary document from the day's counts and audit records. */
export function buildSummary(
  day: string,
  from: string,
  to: string,
  findings: readonly SummaryFindingCount[],
  audit: readonly AuditLine[],
  auditTruncated: boolean,
  account?: string,
): DailySummary {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) bySeverity[f.severity] += f.alerted + f.aggregated;
  const actions = new Map<string, SummaryActionCount>();
  const dryRun = new Map<string, { ruleId: string; action: string; count: number }>();
  for (const record of audit) {
    const key = JSON.stringify([record.ruleId, record.actionId, record.status]);
    const seen = actions.get(key);
    actions.set(key, {
      ruleId: record.ruleId,
      action: record.actionId,
      status: record.status,
      count: (seen?.count ?? 0) + 1,
    });
    if (record.status === 'dry-run') {
      const dryKey = JSON.stringify([record.ruleId, record.actionId]);
      const before = dryRun.get(dryKey);
      dryRun.set(dryKey, { ruleId: record.ruleId, action: record.actionId, count: (before?.count ?? 0) + 1 });
    }
  }
  const byName = <T extends { ruleId: string; action?: string; status?: string }>(a: T, b: T) =>
    `${a.ruleId} ${a.action ?? ''} ${a.status ?? ''}`.localeCompare(
      `${b.ruleId} ${b.action ?? ''} ${b.status ?? ''}`,
    );
  const rank = (s: Severity) => SEVERITIES.indexOf(s);
  return {
    schemaVersion: '1.0',
    id: `summary-${day}`,
    day,
    from,
    to,
    account,
    findings: [...findings].sort(
      (a, b) => rank(b.severity) - rank(a.severity) || a.ruleId.localeCompare(b.ruleId),
    ),
    bySeverity,
    actions: [...actions.values()].sort(byName),
    dryRun: [...dryRun.values()].sort(byName),
    auditTruncated,
  };
}

const STATUS_WORDS: Record<string, string> = {
  succeeded: 'done',
  'already-applied': 'already in place',
  'dry-run': 'dry run',
  failed: 'FAILED',
  'in-progress': 'still in progress',
  undone: 'undone',
};

/** The summary as people read it. Rule, action and status names come from our own tables, cleaned anyway. */
export function renderSummaryEmail(summary: DailySummary, options: RenderOptions): RenderedEmail {
  const total = summary.findings.reduce((n, f) => n + f.alerted + f.aggregated, 0);
  const emailed = summary.findings.reduce((n, f) => n + f.alerted, 0);
  const done = summary.actions.filter((a) => a.status === 'succeeded').reduce((n, a) => n + a.count, 0);
  const failed = summary.actions.filter((a) => a.status === 'failed').reduce((n, a) => n + a.count, 0);
  const lines: string[] = [
    `TrailGuard daily summary for ${summary.day} (UTC)`,
    ...(summary.account ? [`Account ${accountLabel(clean(summary.account, 40), options)}`] : []),
    '',
    `FINDINGS (${total}: ${emailed} emailed one by one, ${total - emailed} counted into digests)`,
  ];
  if (total === 0) {
    lines.push('  None. TrailGuard ran all day: this message is its heartbeat.');
  } else {
    lines.push(
      `  By severity: ${[...SEVERITIES]
        .reverse()
        .map((s) => `${s} ${summary.bySeverity[s]}`)
        .join(', ')}`,
    );
    for (const f of summary.findings) {
      const n = f.alerted + f.aggregated;
      const how =
        f.aggregated > 0 ? `${f.alerted} emailed, ${f.aggregated} in digests` : `${f.alerted} emailed`;
      lines.push(
        `  ${f.severity.toUpperCase().padEnd(9)} ${clean(f.ruleId, 80).padEnd(45)} ${String(n).padStart(5)}  (${how})`,
      );
    }
  }
  lines.push('', 'ACTIONS TAKEN (remediation audit table)');
  const acting = summary.actions.filter((a) => a.status !== 'dry-run');
  if (acting.length === 0) lines.push('  No remediation step was recorded.');
  const grouped = new Map<string, string[]>();
  for (const a of acting) {
    const key = `${clean(a.ruleId, 80)}  ${clean(a.action, 60)}`;
    const words = STATUS_WORDS[a.status] ?? clean(a.status, 40).replace(/^skipped-/, 'skipped: ');
    grouped.set(key, [...(grouped.get(key) ?? []), `${words} ${a.count}`]);
  }
  for (const [key, counts] of grouped) lines.push(`  ${key}: ${counts.join(', ')}`);
  if (summary.auditTruncated) {
    lines.push(`  (more than ${MAX_AUDIT_RECORDS} records: the counts above are lower bounds)`);
  }
  lines.push('', 'RULES IN DRY-RUN THAT WOULD HAVE ACTED');
  if (summary.dryRun.length === 0) lines.push('  None.');
  for (const d of summary.dryRun) {
    lines.push(
      `  ${clean(d.ruleId, 80)}  would have run ${clean(d.action, 60)} ${d.count} time${d.count === 1 ? '' : 's'}`,
    );
  }
  if (summary.dryRun.length > 0 && options.configPrefix) {
    lines.push('  To let one act, run (this turns on automatic remediation for that rule):');
    for (const ruleId of new Set(summary.dryRun.map((d) => d.ruleId))) {
      if (!/^[a-z0-9.-]{1,128}$/.test(ruleId)) continue; // only ids that are safe to paste into a shell
      lines.push(
        `    aws ssm put-parameter --overwrite --name ${options.configPrefix}/rules/${ruleId}/mode --value enforce`,
      );
    }
  }
  lines.push('', '--', `TrailGuard daily summary | ${clean(summary.id, 40)}`);
  const failures = failed > 0 ? `, ${failed} failed` : '';
  return {
    subject: subjectLine(
      `[TrailGuard SUMMARY] ${summary.day}: ${total} finding${total === 1 ? '' : 's'}, ${done} action${done === 1 ? '' : 's'}${failures}`,
    ),
    text: `${lines.join('\n')}\n`,
  };
}

/** The account the topic lives in (arn:aws:sns:region:account:name): the stack's account. */
function accountOf(topicArn: string): string | undefined {
  const account = topicArn.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : undefined;
}

/** The schedule's event (EventBridge "Scheduled Event", via SQS) → the day to summarise (the one before it). */
export function summaryDayOf(body: string, messageId: string): string {
  let time: unknown;
  try {
    time = (JSON.parse(body) as { time?: unknown })?.time;
  } catch (error) {
    throw new InvalidScheduleMessageError(`message ${messageId}: body is not JSON`, { cause: error });
  }
  const at = typeof time === 'string' ? Date.parse(time) : Number.NaN;
  if (Number.isNaN(at)) {
    throw new InvalidScheduleMessageError(`message ${messageId}: no valid "time" in the scheduled event`);
  }
  return previousUtcDay(new Date(at));
}

/** A message on the summary queue that is not a scheduled event. Retried, then dead-lettered. */
export class InvalidScheduleMessageError extends Error {
  override readonly name = 'InvalidScheduleMessageError';
}
