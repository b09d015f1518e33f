import { CloudTrailClient, CreateTrailCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreatePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { defaultParameters } from '../lambdas/config/defaults';
import type { Rule } from '../lambdas/engine/types';
import { DETAIL_TYPE, FINDING_SOURCE } from '../lambdas/shared/contract';
import { createAuditTable, createStateTable } from './tables';

export interface LocalClients {
  readonly iam: IAMClient;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  readonly dynamodb: DynamoDBClient;
  readonly ssm: SSMClient;
  readonly eventBridge: EventBridgeClient;
  readonly cloudTrail: CloudTrailClient;
  readonly s3: S3Client;
}

export function localClients(endpoint: string, region: string): LocalClients {
  const config = { endpoint, region, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  return {
    iam: new IAMClient(config),
    sqs: new SQSClient(config),
    sns: new SNSClient(config),
    dynamodb: new DynamoDBClient(config),
    ssm: new SSMClient(config),
    eventBridge: new EventBridgeClient(config),
    cloudTrail: new CloudTrailClient(config),
    s3: new S3Client({ ...config, forcePathStyle: true }),
  };
}

/** What the stack would create, as created here in the emulator. */
export interface LocalResources {
  readonly stateTable: string;
  readonly auditTable: string;
  readonly findingsBus: string;
  readonly topicArn: string;
  /** The escalation topic (paging); an SQS "pager" queue is subscribed to it. */
  readonly escalationTopicArn: string;
  readonly quarantinePolicyArn: string;
  readonly configPrefix: string;
  readonly queues: {
    readonly analyzer: string;
    readonly alerter: string;
    readonly remediator: string;
    readonly inbox: string;
    readonly pager: string;
  };
  readonly trailName: string;
  readonly trailArn: string;
}

/**
 * Creates, in the emulator, the resources the CDK stack creates in an account: tables, findings bus with the
 * consumer rules, queues, alert topic (an SQS "inbox" subscribed where the stack has the email), quarantine
 * policy, SSM parameters with catalog defaults, plus a logging CloudTrail trail for the scenario to stop.
 */
export async function provision(
  c: LocalClients,
  rules: readonly Rule[],
  options: { name: string; accountId: string; region: string },
): Promise<LocalResources> {
  const { name } = options;
  const configPrefix = `/${name}`;
  const stateTable = `${name}-state`;
  const auditTable = `${name}-audit`;
  await createStateTable(c.dynamodb, stateTable);
  await createAuditTable(c.dynamodb, auditTable);

  const queue = async (queueName: string) => {
    const { QueueUrl } = await c.sqs.send(new CreateQueueCommand({ QueueName: queueName }));
    if (!QueueUrl) throw new Error(`emulator returned no URL for queue ${queueName}`);
    const attrs = await c.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    return { url: QueueUrl, arn: attrs.Attributes?.QueueArn ?? '' };
  };
  const analyzer = await queue(`${name}-analyzer`);
  const alerter = await queue(`${name}-alerter`);
  const remediator = await queue(`${name}-remediator`);
  const inbox = await queue(`${name}-inbox`);
  const pager = await queue(`${name}-pager`);

  const findingsBus = `${name}-findings`;
  await c.eventBridge.send(new CreateEventBusCommand({ Name: findingsBus }));
  const route = async (ruleName: string, detailTypes: string[], target: { arn: string }) => {
    await c.eventBridge.send(
      new PutRuleCommand({
        Name: ruleName,
        EventBusName: findingsBus,
        EventPattern: JSON.stringify({ source: [FINDING_SOURCE], 'detail-type': detailTypes }),
      }),
    );
    await c.eventBridge.send(
      new PutTargetsCommand({
        Rule: ruleName,
        EventBusName: findingsBus,
        Targets: [{ Id: 'queue', Arn: target.arn }],
      }),
    );
  };
  await route(`${name}-to-alerter`, [DETAIL_TYPE.finding, DETAIL_TYPE.remediationOutcome], alerter);
  await route(`${name}-to-remediator`, [DETAIL_TYPE.finding], remediator);

  const { TopicArn } = await c.sns.send(new CreateTopicCommand({ Name: `${name}-alerts` }));
  if (!TopicArn) throw new Error('emulator returned no topic ARN');
  await c.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: inbox.arn }));
  const escalation = await c.sns.send(new CreateTopicCommand({ Name: `${name}-escalation` }));
  if (!escalation.TopicArn) throw new Error('emulator returned no escalation topic ARN');
  await c.sns.send(
    new SubscribeCommand({ TopicArn: escalation.TopicArn, Protocol: 'sqs', Endpoint: pager.arn }),
  );

  const policy = await c.iam.send(
    new CreatePolicyCommand({
      PolicyName: `${name}-quarantine`,
      Description: 'TrailGuard quarantine: denies every action. Detach to release the principal.',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Sid: 'TrailGuardQuarantine', Effect: 'Deny', Action: '*', Resource: '*' }],
      }),
    }),
  );
  const quarantinePolicyArn = policy.Policy?.Arn;
  if (!quarantinePolicyArn) throw new Error('emulator returned no policy ARN');

  const rootArn = `arn:aws:iam::${options.accountId}:root`;
  // A hundred-odd parameters: eight at a time, or provisioning alone outlasts a test's timeout.
  const parameters = defaultParameters(configPrefix, rules, rootArn);
  for (let start = 0; start < parameters.length; start += 8) {
    await Promise.all(
      parameters.slice(start, start + 8).map((p) =>
        c.ssm.send(
          new PutParameterCommand({
            Name: p.name,
            Value: p.value,
            Type: p.type,
            Description: p.description,
            Overwrite: true,
          }),
        ),
      ),
    );
  }

  const trailName = `${name}-org-trail`;
  const bucket = `${name}-cloudtrail-logs`;
  await c.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const trail = await c.cloudTrail.send(
    new CreateTrailCommand({ Name: trailName, S3BucketName: bucket, IsMultiRegionTrail: true }),
  );
  await c.cloudTrail.send(new StartLoggingCommand({ Name: trailName }));

  return {
    stateTable,
    auditTable,
    findingsBus,
    topicArn: TopicArn,
    escalationTopicArn: escalation.TopicArn,
    quarantinePolicyArn,
    configPrefix,
    queues: {
      analyzer: analyzer.url,
      alerter: alerter.url,
      remediator: remediator.url,
      inbox: inbox.url,
      pager: pager.url,
    },
    trailName,
    trailArn: trail.TrailARN ?? trailName,
  };
}
