import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Finding } from '../engine/types';
import { DETAIL_TYPE, METRICS, POLLED_MESSAGE_ATTRIBUTE } from './contract';

/**
 * Metrics the dashboard and the alarms read across handlers (names in `METRICS`). Pure helpers over a Powertools
 * Metrics instance, so the handlers stay a few lines.
 */

/** Whether an analyzer-queue message was sent by the poller (it marks its messages), not delivered by EventBridge. */
export function isPolledMessage(record: {
  readonly messageAttributes?: Readonly<Record<string, { readonly stringValue?: string } | undefined>>;
}): boolean {
  return (
    record.messageAttributes?.[POLLED_MESSAGE_ATTRIBUTE.name]?.stringValue === POLLED_MESSAGE_ATTRIBUTE.value
  );
}

/**
 * One `Findings` data point per finding with dimension `severity`, and one with dimension `rule`. Single metrics,
 * so these dimensions never attach to the handler's other metrics.
 */
export function countFindings(metrics: Metrics, findings: readonly Finding[]): void {
  for (const finding of findings) {
    for (const [name, value] of [
      ['severity', finding.severity],
      ['rule', finding.ruleId],
    ] as const) {
      const single = metrics.singleMetric();
      single.addDimension(name, value);
      single.addMetric(METRICS.findings, MetricUnit.Count, 1);
    }
  }
}

/**
 * Milliseconds from the CloudTrail event behind a finding to now, for a findings-bus message (EventBridge event with
 * a finding as detail); undefined for anything else (outcomes, scheduled checks) or an unreadable time.
 */
export function findingLatencyMs(body: string, now: number): number | undefined {
  let event: unknown;
  try {
    event = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof event !== 'object' || event === null) return undefined;
  const { 'detail-type': detailType, detail } = event as { 'detail-type'?: unknown; detail?: unknown };
  if (detailType !== DETAIL_TYPE.finding || typeof detail !== 'object' || detail === null) return undefined;
  const eventTime = (detail as { eventTime?: unknown }).eventTime;
  const at = typeof eventTime === 'string' ? Date.parse(eventTime) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, now - at);
}
