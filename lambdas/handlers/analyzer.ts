import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { DynamoDbLastFinding } from '../adapters/dynamodb-last-finding';
import { DynamoDbStateStore } from '../adapters/dynamodb-state';
import { type AnalyzerDeps, analyzeMessage, reportConfigProblems } from '../analyzer/analyze';
import { ssmConfigSource } from '../config/from-ssm';
import { DetectionEngine } from '../engine/engine';
import { putOnBus } from '../findings/publish';
import { catalog } from '../rules';
import { dynamodbClient, eventBridgeClient, ssmClient } from '../shared/clients';
import { DETAIL_TYPE, ENV, METRICS } from '../shared/contract';
import { intEnv, requireEnv } from '../shared/env';
import { countFindings, isPolledMessage } from '../shared/pipeline-metrics';
import { logger, metrics } from '../shared/powertools';

const prefix = requireEnv(ENV.configPrefix);
const busName = requireEnv(ENV.findingsBus);
const config = ssmConfigSource(ssmClient(), prefix, catalog, intEnv(ENV.configCacheSeconds, 60), logger);
const stateTable = requireEnv(ENV.stateTable);
// For `trailguard status`: the newest finding published.
const lastFinding = new DynamoDbLastFinding(dynamodbClient(), stateTable);
const engine = new DetectionEngine(catalog, {
  state: new DynamoDbStateStore(dynamodbClient(), stateTable),
  settings: async (rule) => (await config.get()).rules.get(rule.id) ?? { mode: rule.defaultMode },
  context: async () => (await config.get()).context,
});
const deps: AnalyzerDeps = {
  engine,
  config,
  publish: async (findings) => {
    await putOnBus(eventBridgeClient(), busName, DETAIL_TYPE.finding, findings);
    countFindings(metrics, findings);
    // Status only: a failure here must not make the message retry (the findings are out).
    await lastFinding.record(findings).catch((error: unknown) => {
      logger.warn('could not record the last finding for trailguard status', { reason: String(error) });
    });
  },
  log: logger,
  count: (name, value) => {
    metrics.addMetric(name, MetricUnit.Count, value);
  },
};
const processor = new BatchProcessor(EventType.SQS);

/** SQS batch of CloudTrail events → findings on the findings bus. Failed messages are retried individually. */
export const handler = middy(async (event: SQSEvent, context: Context) => {
  await reportConfigProblems(deps, accountOf(context));
  return processPartialResponse(
    event,
    (record: SQSRecord) => {
      // The heartbeat alarm counts what came through EventBridge: the poller must not hide a broken trail or rule.
      if (!isPolledMessage(record)) metrics.addMetric(METRICS.eventBridgeEvents, MetricUnit.Count, 1);
      return analyzeMessage(record.body, record.messageId, deps);
    },
    processor,
    // In order: threshold counts and "already fired" marks of one message are visible to the next.
    { context, processInParallel: false },
  );
})
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));

/** The account id, from the function's own ARN (arn:aws:lambda:region:account:function:name). */
function accountOf(context: Context): string | undefined {
  return context.invokedFunctionArn?.split(':')[4];
}
