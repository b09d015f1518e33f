import type { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../lambdas/engine/types';
import { DETAIL_TYPE, POLLED_MESSAGE_ATTRIBUTE } from '../../lambdas/shared/contract';
import { countFindings, findingLatencyMs, isPolledMessage } from '../../lambdas/shared/pipeline-metrics';

/** A stand-in for Powertools Metrics that records what single metrics were emitted, with their dimensions. */
function recorder() {
  const emitted: { dimensions: Record<string, string>; name: string; value: number }[] = [];
  const metrics = {
    singleMetric: () => {
      const dimensions: Record<string, string> = {};
      return {
        addDimension: (name: string, value: string) => {
          dimensions[name] = value;
        },
        addMetric: (name: string, _unit: string, value: number) => {
          emitted.push({ dimensions: { ...dimensions }, name, value });
        },
      };
    },
  } as unknown as Metrics;
  return { metrics, emitted };
}

describe('pipeline metrics', () => {
  it('emits one Findings metric by severity and one by rule for each finding, as single metrics', () => {
    // Prepare
    const { metrics, emitted } = recorder();
    const findings = [
      { ruleId: 'root.account-used', severity: 'high' },
      { ruleId: 'cloudtrail.logging-stopped', severity: 'critical' },
    ] as Finding[];
    // Act
    countFindings(metrics, findings);
    // Assess
    expect(emitted).toEqual([
      { dimensions: { severity: 'high' }, name: 'Findings', value: 1 },
      { dimensions: { rule: 'root.account-used' }, name: 'Findings', value: 1 },
      { dimensions: { severity: 'critical' }, name: 'Findings', value: 1 },
      { dimensions: { rule: 'cloudtrail.logging-stopped' }, name: 'Findings', value: 1 },
    ]);
  });

  it('tells polled messages from EventBridge deliveries by the poller attribute', () => {
    const attribute = { [POLLED_MESSAGE_ATTRIBUTE.name]: { stringValue: 'poller' } };
    expect(isPolledMessage({ messageAttributes: attribute })).toBe(true);
    expect(isPolledMessage({ messageAttributes: {} })).toBe(false);
    expect(isPolledMessage({})).toBe(false);
    expect(
      isPolledMessage({ messageAttributes: { [POLLED_MESSAGE_ATTRIBUTE.name]: { stringValue: 'x' } } }),
    ).toBe(false);
  });

  it('measures the latency from the finding event time to now, only for findings', () => {
    // Prepare
    const now = Date.parse('2025-06-01T12:00:05Z');
    const finding = JSON.stringify({
      'detail-type': DETAIL_TYPE.finding,
      detail: { eventTime: '2025-06-01T12:00:00Z' },
    });
    const outcome = JSON.stringify({
      'detail-type': DETAIL_TYPE.remediationOutcome,
      detail: { eventTime: '2025-06-01T12:00:00Z' },
    });
    // Act / Assess
    expect(findingLatencyMs(finding, now)).toBe(5000);
    expect(findingLatencyMs(outcome, now)).toBeUndefined();
    expect(findingLatencyMs('not json', now)).toBeUndefined();
    expect(
      findingLatencyMs(
        JSON.stringify({ 'detail-type': DETAIL_TYPE.finding, detail: { eventTime: 'soon' } }),
        now,
      ),
    ).toBeUndefined();
  });
});
