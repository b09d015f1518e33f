import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { DynamoDbCheckpointStore } from '../adapters/dynamodb-checkpoint';
import { deliveryFilter, forwardRecords } from '../poller/forward';
import { LOOKUP_LIMITS } from '../poller/lookup';
import { type PollerDeps, PollerRunError, runPoller } from '../poller/poll';
import { parseRegions, pollRegions } from '../poller/regions';
import { realClock, TokenBucket } from '../poller/token-bucket';
import { catalog } from '../rules';
import { cloudTrailClient, dynamodbClient, sqsClient } from '../shared/clients';
import { ENV, METRICS } from '../shared/contract';
import { intEnv, requireEnv } from '../shared/env';
import { logger, metrics } from '../shared/powertools';

/** Time kept back from the function timeout for the page in flight, its messages and its checkpoint. */
const RESERVE_MS = 30_000;

const queueUrl = requireEnv(ENV.analyzerQueueUrl);
const regions = pollRegions(parseRegions(process.env[ENV.pollerRegions] ?? ''), requireEnv('AWS_REGION'));
const backfillHours = intEnv(ENV.pollerBackfillHours, 0);
const store = new DynamoDbCheckpointStore(dynamodbClient(), requireEnv(ENV.stateTable));
// Module scope: a warm environment keeps its buckets, so back-to-back runs still keep to the rate.
const buckets = new Map<string, TokenBucket>();
const deps: PollerDeps = {
  cloudTrail: cloudTrailClient,
  bucket: (region) => {
    let bucket = buckets.get(region);
    if (!bucket) {
      bucket = new TokenBucket({ ratePerSecond: LOOKUP_LIMITS.requestsPerSecond });
      buckets.set(region, bucket);
    }
    return bucket;
  },
  checkpoints: store,
  lease: store,
  accept: deliveryFilter(catalog),
  forward: (records) => forwardRecords(sqsClient(), queueUrl, records),
  count: (metric, value) => {
    metrics.addMetric(metric, MetricUnit.Count, value);
  },
  log: logger,
  now: realClock.now,
  sleep: realClock.sleep,
};

/** Scheduled (EventBridge Scheduler): CloudTrail event history since the checkpoints → analyzer queue. */
export const handler = middy(async (_event: unknown, context: Context) => {
  const now = Date.now();
  const remaining = context.getRemainingTimeInMillis();
  const result = await runPoller(deps, {
    regions,
    backfillHours,
    holder: context.awsRequestId,
    deadline: now + remaining - RESERVE_MS,
    leaseUntil: now + remaining,
    lookup: { throttleAttempts: 3 },
  });
  if (result.lagSeconds !== undefined) {
    metrics.addMetric(METRICS.pollerLag, MetricUnit.Seconds, result.lagSeconds);
  }
  if (result.failed.length > 0) {
    throw new PollerRunError(
      `poll failed in ${result.failed.map((f) => `${f.region} (${f.error.name}: ${f.error.message})`).join(', ')}`,
      { cause: result.failed[0]?.error },
    );
  }
  return { ran: result.ran, regions: result.regions.map((r) => ({ region: r.region, status: r.status })) };
})
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
