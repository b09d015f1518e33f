import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { DynamoDbStateStore } from '../adapters/dynamodb-state';
import { parseAccountAliases } from '../alerter/account-aliases';
import { DynamoDbAuditReader } from '../alerting/audit-scan';
import { type SummaryDeps, sendDailySummary, summaryDayOf } from '../alerting/summary';
import { CONFIG_PROBLEM_RULE_ID } from '../config/problem-finding';
import { catalog } from '../rules';
import { dynamodbClient, snsClient } from '../shared/clients';
import { ENV } from '../shared/contract';
import { requireEnv } from '../shared/env';
import { logger, metrics } from '../shared/powertools';

const configPrefix = process.env[ENV.configPrefix];
const accountAliases = parseAccountAliases(process.env[ENV.accountAlias], (entry) =>
  logger.warn(`ignoring a malformed entry of ${ENV.accountAlias}`, { entry }),
);
const deps: SummaryDeps = {
  sns: snsClient(),
  topicArn: requireEnv(ENV.alertTopicArn),
  state: new DynamoDbStateStore(dynamodbClient(), requireEnv(ENV.stateTable)),
  audit: new DynamoDbAuditReader(dynamodbClient(), requireEnv(ENV.auditTable)),
  ruleIds: [...catalog.map((rule) => rule.id), CONFIG_PROBLEM_RULE_ID],
  log: logger,
  render: () => ({ now: new Date(), configPrefix, accountAliases }),
};
const processor = new BatchProcessor(EventType.SQS);

/** The daily schedule (via SQS) → one summary of the previous UTC day on the alert topic. */
export const handler = middy((event: SQSEvent, context: Context) =>
  processPartialResponse(
    event,
    async (record: SQSRecord) => {
      const { result } = await sendDailySummary(summaryDayOf(record.body, record.messageId), deps);
      if (result === 'published') metrics.addMetric('DailySummariesPublished', MetricUnit.Count, 1);
    },
    processor,
    { context },
  ),
)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
