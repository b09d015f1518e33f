import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';

/**
 * SDK clients, created once per execution environment and only when first used. Region, credentials and
 * endpoint (AWS_ENDPOINT_URL, used by the local emulator run) come from the environment. Adaptive retry
 * absorbs throttling, which matters most for IAM during a burst of remediations.
 *
 * Separate exports marked pure, so each function's bundle keeps only the clients its handler uses.
 */
const common = { maxAttempts: 5, retryMode: 'adaptive' } as const;

function lazy<T>(create: () => T): () => T {
  let instance: T | undefined;
  return () => {
    instance ??= create();
    return instance;
  };
}

export const dynamodbClient = /* @__PURE__ */ lazy(() => new DynamoDBClient(common));
export const eventBridgeClient = /* @__PURE__ */ lazy(() => new EventBridgeClient(common));
export const snsClient = /* @__PURE__ */ lazy(() => new SNSClient(common));
export const ssmClient = /* @__PURE__ */ lazy(() => new SSMClient(common));
export const sqsClient = /* @__PURE__ */ lazy(() => new SQSClient(common));
export const stsClient = /* @__PURE__ */ lazy(() => new STSClient(common));
// IAM is a global service; its endpoint lives in us-east-1 in the aws partition.
export const iamClient = /* @__PURE__ */ lazy(() => new IAMClient({ ...common, region: 'us-east-1' }));

const cloudTrailByRegion = new Map<string, CloudTrailClient>();
/** CloudTrail is regional: StartLogging must run in the trail's home region. */
export function cloudTrailClient(region: string): CloudTrailClient {
  let client = cloudTrailByRegion.get(region);
  if (!client) {
    client = new CloudTrailClient({ ...common, region });
    cloudTrailByRegion.set(region, client);
  }
  return client;
}

/** One client per region, created on first use (remediation acts on security groups, snapshots, buckets where they live). */
function regional<T>(create: (region: string) => T): (region: string) => T {
  const clients = new Map<string, T>();
  return (region) => {
    let client = clients.get(region);
    if (client === undefined) {
      client = create(region);
      clients.set(region, client);
    }
    return client;
  };
}

export const ec2Client = /* @__PURE__ */ regional((region) => new EC2Client({ ...common, region }));
export const rdsClient = /* @__PURE__ */ regional((region) => new RDSClient({ ...common, region }));
// A bucket answers only in its own region; the redirect covers a plan that named the wrong one.
export const s3Client = /* @__PURE__ */ regional(
  (region) => new S3Client({ ...common, region, followRegionRedirects: true }),
);
