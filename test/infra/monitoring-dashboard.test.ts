import type { CfnElement } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrailGuardStack } from '../../lib/trailguard-stack';
import { synth } from './synth';

interface Widget {
  type: string;
  properties: {
    title: string;
    metrics?: unknown[];
    alarms?: unknown[];
    annotations?: { horizontal?: { value: number }[] };
  };
}

let stack: TrailGuardStack;
let template: Template;
let widgets: Widget[];

/** The dashboard body with every CloudFormation reference replaced by a readable `${LogicalId}` placeholder. */
function body(): { widgets: Widget[] } {
  const dashboard = Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0];
  const parts = dashboard?.Properties.DashboardBody['Fn::Join'][1] as unknown[];
  const text = parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const ref = part as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
      return `\${${ref.Ref ?? ref['Fn::GetAtt']?.join('.')}}`;
    })
    .join('');
  return JSON.parse(text) as { widgets: Widget[] };
}

const widget = (title: string): Widget => {
  const found = widgets.find((w) => w.properties.title === title);
  expect(found, title).toBeDefined();
  return found as Widget;
};
const metricNames = (w: Widget) =>
  (w.properties.metrics ?? []).map((m) => (Array.isArray(m) ? (m[1] as string) : undefined));
const expressions = (w: Widget) =>
  (w.properties.metrics ?? []).flatMap((m) =>
    Array.isArray(m) ? [(m[0] as { expression?: string }).expression] : [],
  );

beforeAll(() => {
  ({ stack, template } = synth());
  widgets = body().widgets;
});

describe('Monitoring dashboard', () => {
  it('is named after the stack', () => {
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'TrailGuard' });
  });

  it('shows the state of every Monitoring alarm first', () => {
    // Prepare
    const alarmIds = stack.monitoring.alarms.map((a) =>
      stack.resolve(stack.getLogicalId(a.alarm.node.defaultChild as CfnElement)),
    );
    // Assess
    expect(widgets[0]?.type).toBe('alarm');
    expect(widgets[0]?.properties.alarms).toEqual(alarmIds.map((id) => `\${${id}.Arn}`));
  });

  it('graphs the events analysed, from EventBridge and from the poller', () => {
    expect(metricNames(widget('Events analysed'))).toEqual([
      'EventsAnalyzed',
      'EventBridgeEvents',
      'PolledEvents',
      'PolledEventsForwarded',
    ]);
  });

  it('graphs findings by severity and by rule from their dimensions', () => {
    expect(expressions(widget('Findings by severity'))).toEqual([
      `SEARCH('{TrailGuard,service,severity} MetricName="Findings"', 'Sum', 300)`,
    ]);
    expect(expressions(widget('Findings by rule'))).toEqual([
      `SEARCH('{TrailGuard,service,rule} MetricName="Findings"', 'Sum', 300)`,
    ]);
  });

  it('graphs remediations by outcome, including outcomes added later', () => {
    expect(expressions(widget('Remediations by outcome'))).toEqual([
      `SEARCH('{TrailGuard,service} service="trailguard-remediator" Remediation', 'Sum', 300)`,
    ]);
  });

  it('graphs the end-to-end latency from event time to alert as percentiles', () => {
    const latency = widget('End-to-end latency: event time to alert (ms)');
    expect(metricNames(latency)).toEqual(['AlertLatency', 'AlertLatency', 'AlertLatency']);
    expect(
      latency.properties.metrics?.map(
        (m) => (m as [unknown, unknown, unknown, unknown, { stat: string }])[4].stat,
      ),
    ).toEqual(['p50', 'p90', 'Maximum']);
  });

  it('graphs the poller lag against its alarm threshold', () => {
    const lag = widget('Poller lag (s)');
    expect(metricNames(lag)).toEqual(['PollerLagSeconds']);
    expect(lag.properties.annotations?.horizontal?.[0]?.value).toBe(900);
  });

  it('graphs the depth of every dead-letter queue, the poller one included', () => {
    // Prepare
    const dlqs = template.findResources('AWS::SQS::Queue');
    const deadLetterIds = Object.keys(dlqs).filter((id) => id.includes('DeadLetterQueue'));
    const graphed = JSON.stringify(widget('Dead-letter queue depth').properties.metrics);
    // Assess
    expect(deadLetterIds.length).toBeGreaterThanOrEqual(4);
    for (const id of deadLetterIds) expect(graphed).toContain(`\${${id}.QueueName}`);
  });
});
