import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { ssmParameterFetcher } from '../config/ssm-fetcher';
import { putOnBus } from '../findings/publish';
import { assessPosture } from '../posture/assess';
import { notifyPosture } from '../posture/notify';
import { runScheduledPosture } from '../posture/run';
import { storeReport } from '../posture/store';
import { eventBridgeClient, iamClient, s3Client, snsClient, ssmClient, stsClient } from '../shared/clients';
import { DETAIL_TYPE, ENV } from '../shared/contract';
import { requireEnv } from '../shared/env';
import { logger, metrics } from '../shared/powertools';

const prefix = requireEnv(ENV.configPrefix);
const busName = requireEnv(ENV.findingsBus);
const bucket = requireEnv(ENV.postureBucket);
const topicArn = requireEnv(ENV.alertTopicArn);
const region = requireEnv('AWS_REGION');
const fetchConfig = ssmParameterFetcher(ssmClient(), prefix);

/** Daily schedule → IAM posture assessment → report in S3, a finding per violation, the summary email. */
export const handler = middy(async () => {
  const report = await runScheduledPosture({
    assess: () => assessPosture({ iam: iamClient(), sts: stsClient(), fetchConfig, prefix }),
    publish: (findings) =>
      putOnBus(eventBridgeClient(), busName, DETAIL_TYPE.finding, findings, (f) => {
        const arn = (f as { principal?: { arn?: string } }).principal?.arn;
        return arn ? [arn] : [];
      }),
    store: (r, html) => storeReport(s3Client(region), bucket, r, html),
    notify: (r, location) => notifyPosture(snsClient(), topicArn, r, location),
    log: logger,
  });
  metrics.addMetric('PostureChecksFailed', MetricUnit.Count, report.summary.failed);
  metrics.addMetric('PostureViolations', MetricUnit.Count, report.summary.violations);
  return { account: report.account, ...report.summary };
})
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
