import { randomUUID } from 'node:crypto';
import { CloudTrailClient, CreateTrailCommand } from '@aws-sdk/client-cloudtrail';
import { EC2Client } from '@aws-sdk/client-ec2';
import { CreatePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { RDSClient } from '@aws-sdk/client-rds';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { ActionClients, ActionContext } from '../../../lambdas/remediator/actions';
import { motoClientConfig } from '../../support/aws';

/** moto's default account. */
export const ACCOUNT_ID = '123456789012';

/**
 * Test files share one moto_server and run in parallel without resetting it, so every resource a test
 * creates gets a name no other test uses.
 */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 12)}`;
}

/** Real SDK clients pointed at moto; one client per service and region, as the handler would cache them. */
export function motoActionClients(): ActionClients & { destroy(): void } {
  const iam = new IAMClient(motoClientConfig());
  const made: { destroy(): void }[] = [iam];
  const regional = <T extends { destroy(): void }>(create: (region: string) => T) => {
    const clients = new Map<string, T>();
    return (region: string): T => {
      let client = clients.get(region);
      if (client === undefined) {
        client = create(region);
        clients.set(region, client);
        made.push(client);
      }
      return client;
    };
  };
  return {
    iam,
    cloudTrail: regional((region) => new CloudTrailClient({ ...motoClientConfig(), region })),
    ec2: regional((region) => new EC2Client({ ...motoClientConfig(), region })),
    rds: regional((region) => new RDSClient({ ...motoClientConfig(), region })),
    // moto answers on one host: path-style addressing, as the CLI's --endpoint-url would use.
    s3: regional((region) => new S3Client({ ...motoClientConfig(), region, forcePathStyle: true })),
    destroy() {
      for (const client of made) client.destroy();
    },
  };
}

export function actionContext(
  clients: ActionClients,
  quarantinePolicyArn = 'arn:aws:iam::123456789012:policy/none',
): ActionContext {
  return { clients, quarantinePolicyArn, accountId: ACCOUNT_ID, partition: 'aws' };
}

/** A customer-managed deny-all policy like the one the stack creates. */
export async function createQuarantinePolicy(iam: IAMClient): Promise<string> {
  const out = await iam.send(
    new CreatePolicyCommand({
      PolicyName: uniqueName('trailguard-quarantine'),
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Sid: 'TrailGuardQuarantine', Effect: 'Deny', Action: '*', Resource: '*' }],
      }),
    }),
  );
  const arn = out.Policy?.Arn;
  if (arn === undefined) throw new Error('CreatePolicy returned no ARN');
  return arn;
}

/** A trail (not logging yet) in `region`; moto, like AWS, requires its S3 bucket to exist. */
export async function createTrail(
  clients: ActionClients,
  region: string,
): Promise<{ name: string; arn: string }> {
  const bucket = uniqueName('trailguard-trail-logs');
  const s3 = new S3Client({ ...motoClientConfig(), forcePathStyle: true });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    s3.destroy();
  }
  const name = uniqueName('trailguard-test-trail');
  const out = await clients
    .cloudTrail(region)
    .send(new CreateTrailCommand({ Name: name, S3BucketName: bucket }));
  if (out.TrailARN === undefined) throw new Error('CreateTrail returned no ARN');
  return { name, arn: out.TrailARN };
}
