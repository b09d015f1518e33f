import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ENV, HANDLER_ENTRIES } from '../../lambdas/shared/contract';
import { EncryptedQueue } from './encrypted-queue';
import { TrailGuardFunction } from './trailguard-function';

export interface DailySummaryProps {
  readonly encryptionKey: kms.IKey;
  /** Where the summary is published. */
  readonly topic: sns.ITopic;
  /** Holds the alerter's daily counters and the summary's sent marks. */
  readonly stateTable: dynamodb.ITable;
  /** Read (Scan only) for the day's remediation steps. */
  readonly auditTable: dynamodb.ITable;
  /** Printed in the summary's commands; not read. */
  readonly configPrefix: string;
  /**
   * `TRAILGUARD_ACCOUNT_ALIAS` value (`account=alias` pairs).
   *
   * @default - no alias shown
   */
  readonly accountAliases?: string;
  /**
   * When the summary of the previous UTC day is sent.
   *
   * @default events.Schedule.cron({ minute: '15', hour: '0' }) (00:15 UTC)
   */
  readonly schedule?: events.Schedule;
}

/**
 * The optional daily summary: a schedule on the default bus puts one event a day on an encrypted queue (with its
 * dead-letter queue and alarm), and a small function summarises the previous UTC day from the alerter's counters
 * and the audit table, then publishes it to the alert topic. Least privilege: publish on the topic, read and write
 * its marks in the state table, Scan on the audit table.
 */
export class DailySummary extends Construct {
  public readonly function: TrailGuardFunction;
  public readonly queue: EncryptedQueue;
  public readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: DailySummaryProps) {
    super(scope, id);
    this.function = new TrailGuardFunction(this, 'Function', {
      entry: HANDLER_ENTRIES.summary,
      serviceName: 'trailguard-summary',
      encryptionKey: props.encryptionKey,
      timeout: Duration.seconds(60),
      memorySize: 256,
    });
    this.queue = new EncryptedQueue(this, 'Queue', {
      encryptionKey: props.encryptionKey,
      consumerTimeout: this.function.timeout,
      // A summary a day late is still useful; older than that, the next one is due.
      retentionPeriod: Duration.days(1),
    });
    this.rule = new events.Rule(this, 'Schedule', {
      description: 'TrailGuard daily summary',
      schedule: props.schedule ?? events.Schedule.cron({ minute: '15', hour: '0' }),
      targets: [
        {
          bind: () => ({
            arn: this.queue.queue.queueArn,
            targetResource: this.queue.queue,
            deadLetterConfig: { arn: this.queue.deadLetterQueue.queueArn },
            retryPolicy: { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 10 },
          }),
        },
      ],
    });
    this.queue.allowSendFromRules([this.rule.ruleArn]);

    this.function
      .consume(this.queue, { batchSize: 1 })
      .useTopic(props.topic)
      .useTable(props.stateTable, ENV.stateTable, 'readWrite')
      .addEnvironment(ENV.configPrefix, props.configPrefix);
    props.auditTable.grant(this.function.role, 'dynamodb:Scan');
    props.auditTable.encryptionKey?.grant(this.function.role, 'kms:Decrypt', 'kms:DescribeKey');
    this.function.addEnvironment(ENV.auditTable, props.auditTable.tableName);
    if (props.accountAliases !== undefined) {
      this.function.addEnvironment(ENV.accountAlias, props.accountAliases);
    }
  }
}
