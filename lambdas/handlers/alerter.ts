import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { alert } from '../alerter/alert';
import { alerterDepsFromEnv } from '../alerter/wiring';
import { METRICS } from '../shared/contract';
import { findingLatencyMs } from '../shared/pipeline-metrics';
import { logger, metrics } from '../shared/powertools';

const deps = alerterDepsFromEnv(logger);
const processor = new BatchProcessor(EventType.SQS);

/**
 * Findings and remediation outcomes from the findings bus (via SQS) → SNS alert topic (and escalation topic),
 * repeats aggregated into digests; also runs the end-of-window checks it schedules on its own queue.
 */
export const handler = middy((event: SQSEvent, context: Context) =>
  processPartialResponse(
    event,
    async (record: SQSRecord) => {
      const { result, escalated, digests } = await alert(record.body, record.messageId, deps);
      const name = {
        published: 'AlertsPublished',
        duplicate: 'AlertDuplicates',
        aggregated: 'AlertsAggregated',
      };
      if (result !== 'checked') metrics.addMetric(name[result], MetricUnit.Count, 1);
      // End-to-end latency for the dashboard: CloudTrail event time to the alert going out.
      const latency = result === 'published' ? findingLatencyMs(record.body, Date.now()) : undefined;
      if (latency !== undefined) metrics.addMetric(METRICS.alertLatency, MetricUnit.Milliseconds, latency);
      if (escalated > 0) metrics.addMetric('AlertsEscalated', MetricUnit.Count, escalated);
      if (digests > 0) metrics.addMetric('DigestsPublished', MetricUnit.Count, digests);
    },
    processor,
    { context },
  ),
)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
