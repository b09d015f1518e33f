import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface TrailGuardKeyProps {
  /**
   * Alias of the key, without the `alias/` prefix.
   *
   * @default - `trailguard/<stack name>`
   */
  readonly aliasName?: string;
  /**
   * Days KMS waits before deleting the key once deletion is scheduled (7 to 30).
   *
   * @default 30
   */
  readonly pendingWindow?: Duration;
}

/**
 * The one customer managed key of the stack: queues, topic, tables and log groups are encrypted with it.
 *
 * Beyond KMS's default statement (the account administers the key; IAM policies grant its use), the key policy
 * lets three AWS services use it on the account's behalf, each only for this account's resources:
 * - CloudWatch Logs, to encrypt this account's and region's log groups;
 * - EventBridge, to deliver events to the encrypted queues (SQS encrypts with the sender's permissions);
 * - CloudWatch alarms, to publish to the encrypted alert topic.
 *
 * The key is retained when the stack is deleted: the audit table is retained too and is unreadable without it.
 */
export class TrailGuardKey extends Construct {
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: TrailGuardKeyProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const pendingWindow = props.pendingWindow ?? Duration.days(30);
    const days = pendingWindow.toDays();
    if (!Number.isInteger(days) || days < 7 || days > 30) {
      throw new Error(
        `TrailGuardKey ${this.node.path}: pendingWindow must be a whole number of days from 7 to 30, got ${days}`,
      );
    }
    const aliasName = props.aliasName ?? `trailguard/${stack.stackName}`;
    if (!/^[a-zA-Z0-9/_-]{1,250}$/.test(aliasName) || aliasName.startsWith('aws/')) {
      throw new Error(
        `TrailGuardKey ${this.node.path}: aliasName "${aliasName}" must be 1-250 characters of [a-zA-Z0-9/_-], without "alias/" and not under "aws/"`,
      );
    }

    this.key = new kms.Key(this, 'Key', {
      description: `TrailGuard (${stack.stackName}): encrypts queues, alert topic, tables and log groups`,
      enableKeyRotation: true,
      pendingWindow,
      alias: aliasName,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const accountCondition = { StringEquals: { 'aws:SourceAccount': stack.account } };

    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsEncryptsThisAccountsLogGroups',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: [
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:ReEncryptFrom',
          'kms:ReEncryptTo',
          'kms:GenerateDataKey',
          'kms:GenerateDataKeyWithoutPlaintext',
          'kms:DescribeKey',
        ],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );

    // EventBridge → KMS-encrypted SQS: the sender needs GenerateDataKey and Decrypt on the queue's key.
    // The source account (not the rule ARNs) is the condition: the rules target the queues, the queues use this key,
    // so naming the rules here would be a dependency cycle. The queue policies name the exact rules.
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'EventBridgeSendsToEncryptedQueues',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: accountCondition,
      }),
    );

    // CloudWatch alarm actions publish to the encrypted topic. SNS binds each data key to the topic ARN through the
    // encryption context, so the condition limits CloudWatch to this account's topics in this region.
    // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToEncryptedTopic',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:sns:topicArn': stack.formatArn({ service: 'sns', resource: '*' }),
          },
        },
      }),
    );
  }
}
