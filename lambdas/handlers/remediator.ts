import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { DynamoDbAuditStore } from '../adapters/dynamodb-audit';
import { DynamoDbStateStore } from '../adapters/dynamodb-state';
import { ssmConfigSource } from '../config/from-ssm';
import type { StepStatus } from '../findings/outcome';
import { putOnBus } from '../findings/publish';
import { POSTURE_CONFIG_ENTRIES } from '../posture/settings';
import { ACTIONS } from '../remediator/actions';
import { StateStoreCircuitBreaker } from '../remediator/circuit-breaker';
import { handleRemediatorMessage } from '../remediator/handle-message';
import type { RemediatorDeps } from '../remediator/remediate';
import { catalog } from '../rules';
import {
  cloudTrailClient,
  dynamodbClient,
  ec2Client,
  eventBridgeClient,
  iamClient,
  rdsClient,
  s3Client,
  ssmClient,
} from '../shared/clients';
import { DETAIL_TYPE, ENV } from '../shared/contract';
import { intEnv, requireEnv } from '../shared/env';
import { logger, metrics } from '../shared/powertools';

const prefix = requireEnv(ENV.configPrefix);
const busName = requireEnv(ENV.findingsBus);
const quarantinePolicyArn = requireEnv(ENV.quarantinePolicyArn);
const auditTable = requireEnv(ENV.auditTable);
// arn:<partition>:iam::<account>:policy/<name>: the policy lives in the account being protected.
const [, partition = 'aws', , , accountId = ''] = quarantinePolicyArn.split(':');

const deps: RemediatorDeps = {
  // Posture checks raise findings too; their modes live beside the rules' (rules/<check id>/mode).
  config: ssmConfigSource(
    ssmClient(),
    prefix,
    [...catalog, ...POSTURE_CONFIG_ENTRIES],
    intEnv(ENV.configCacheSeconds, 60),
    logger,
  ),
  audit: new DynamoDbAuditStore(dynamodbClient(), auditTable),
  auditTable,
  actions: ACTIONS,
  context: {
    clients: { iam: iamClient(), cloudTrail: cloudTrailClient, ec2: ec2Client, rds: rdsClient, s3: s3Client },
    quarantinePolicyArn,
    accountId,
    partition,
  },
  iam: iamClient(),
  circuit: new StateStoreCircuitBreaker(new DynamoDbStateStore(dynamodbClient(), requireEnv(ENV.stateTable))),
  stackName: process.env[ENV.stackName],
  actor: `lambda:${process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'trailguard-remediator'}`,
  publishOutcome: (outcome) =>
    putOnBus(eventBridgeClient(), busName, DETAIL_TYPE.remediationOutcome, [outcome]),
  log: logger,
};
const processor = new BatchProcessor(EventType.SQS);
/** One metric per step outcome, for the dashboard and alarms on failures. */
const STEP_METRICS: Record<StepStatus, string> = {
  succeeded: 'RemediationSucceeded',
  'already-applied': 'RemediationAlreadyApplied',
  'dry-run': 'RemediationDryRun',
  'skipped-protected': 'RemediationSkippedProtected',
  'skipped-mode': 'RemediationSkippedMode',
  'skipped-kill-switch': 'RemediationSkippedKillSwitch',
  'skipped-circuit-open': 'RemediationCircuitOpen',
  failed: 'RemediationFailed',
};

/** Findings (via SQS) → remediation under mode, kill switch and protection → audit records and an outcome event. */
export const handler = middy((event: SQSEvent, context: Context) =>
  processPartialResponse(
    event,
    async (record: SQSRecord) => {
      const outcome = await handleRemediatorMessage(record.body, record.messageId, deps);
      metrics.addMetric('FindingsReceived', MetricUnit.Count, 1);
      for (const step of outcome?.steps ?? [])
        metrics.addMetric(STEP_METRICS[step.status], MetricUnit.Count, 1);
    },
    processor,
    { context },
  ),
)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
