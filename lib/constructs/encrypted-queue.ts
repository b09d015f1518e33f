import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface EncryptedQueueProps {
  /** Customer managed key that encrypts the queue and its dead-letter queue. */
  readonly encryptionKey: kms.IKey;
  /**
   * Timeout of the Lambda function that consumes the queue. The visibility timeout is derived from it.
   *
   * @default Duration.seconds(30)
   */
  readonly consumerTimeout?: Duration;
  /**
   * Batching window of the consumer's event source mapping (added to the visibility timeout).
   *
   * @default Duration.seconds(0)
   */
  readonly consumerBatchingWindow?: Duration;
  /**
   * Receives before a message moves to the dead-letter queue (1 to 1000).
   *
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * How long the queue keeps a message (1 minute to 14 days).
   *
   * @default Duration.days(4)
   */
  readonly retentionPeriod?: Duration;
}

/** SQS's limits (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html). */
const MAX_VISIBILITY_TIMEOUT = Duration.hours(12);
const MAX_RETENTION = Duration.days(14);
const MIN_RETENTION = Duration.minutes(1);

/**
 * A KMS-encrypted, TLS-only SQS queue with a dead-letter queue (14 days retention, also encrypted and TLS-only)
 * and an alarm that fires as soon as the dead-letter queue holds a message.
 *
 * The visibility timeout is six times the consumer's timeout plus its batching window, as AWS recommends for a
 * Lambda event source (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html), so a message
 * is not redelivered while a slow invocation still holds it.
 */
export class EncryptedQueue extends Construct {
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly visibilityTimeout: Duration;
  public readonly maxReceiveCount: number;
  /** Fires when the dead-letter queue holds at least one message. Add an action to route it. */
  public readonly deadLetterAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: EncryptedQueueProps) {
    super(scope, id);
    const consumerTimeout = props.consumerTimeout ?? Duration.seconds(30);
    const batchingWindow = props.consumerBatchingWindow ?? Duration.seconds(0);
    this.maxReceiveCount = props.maxReceiveCount ?? 5;
    const retentionPeriod = props.retentionPeriod ?? Duration.days(4);

    if (!Number.isInteger(this.maxReceiveCount) || this.maxReceiveCount < 1 || this.maxReceiveCount > 1000) {
      throw new Error(
        `EncryptedQueue ${this.node.path}: maxReceiveCount must be an integer from 1 to 1000, got ${this.maxReceiveCount}`,
      );
    }
    if (consumerTimeout.toSeconds() < 1) {
      throw new Error(`EncryptedQueue ${this.node.path}: consumerTimeout must be at least 1 second`);
    }
    this.visibilityTimeout = Duration.seconds(6 * consumerTimeout.toSeconds() + batchingWindow.toSeconds());
    if (this.visibilityTimeout.toSeconds() > MAX_VISIBILITY_TIMEOUT.toSeconds()) {
      throw new Error(
        `EncryptedQueue ${this.node.path}: 6 x consumerTimeout + consumerBatchingWindow is ${this.visibilityTimeout.toSeconds()} s, ` +
          `above the SQS maximum visibility timeout of ${MAX_VISIBILITY_TIMEOUT.toSeconds()} s; shorten the consumer timeout`,
      );
    }
    const retention = retentionPeriod.toSeconds();
    if (retention < MIN_RETENTION.toSeconds() || retention > MAX_RETENTION.toSeconds()) {
      throw new Error(
        `EncryptedQueue ${this.node.path}: retentionPeriod must be from 60 s to 14 days, got ${retention} s`,
      );
    }

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      retentionPeriod: MAX_RETENTION,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      retentionPeriod,
      visibilityTimeout: this.visibilityTimeout,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: this.maxReceiveCount },
    });

    this.deadLetterAlarm = new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      alarmDescription: `TrailGuard: messages in the dead-letter queue of ${this.node.path}. They were not processed; inspect and redrive them.`,
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  /**
   * Lets exactly these EventBridge rules send to the queue, and to its dead-letter queue (the rules' own DLQ for
   * events they cannot deliver). The key policy already lets EventBridge use the key for this account.
   */
  public allowSendFromRules(ruleArns: readonly string[]): void {
    if (ruleArns.length === 0) {
      throw new Error(`EncryptedQueue ${this.node.path}: allowSendFromRules needs at least one rule ARN`);
    }
    for (const queue of [this.queue, this.deadLetterQueue]) {
      queue.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal('events.amazonaws.com')],
          actions: ['sqs:SendMessage'],
          resources: [queue.queueArn],
          conditions: { ArnEquals: { 'aws:SourceArn': [...ruleArns] } },
        }),
      );
    }
  }
}
