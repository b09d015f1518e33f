import { type CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { parseRegions, pollRegions } from '../../lambdas/poller/regions';
import { ENV, HANDLER_ENTRIES } from '../../lambdas/shared/contract';
import type { EncryptedQueue } from './encrypted-queue';
import { TrailGuardFunction } from './trailguard-function';

/** Stack options of the poller, validated together so a typo fails synthesis with one clear message. */
export interface PollerOptions {
  /**
   * Minutes between runs (1 to 60).
   *
   * @default 5
   */
  readonly rateMinutes?: number;
  /**
   * Regions whose event history is read; the partition's global-events region (us-east-1) is always added.
   *
   * @default - the stack's region
   */
  readonly regions?: readonly string[];
  /**
   * Hours of history a region's first run reads (0 to 2160, the 90 days LookupEvents keeps).
   *
   * @default 0 (the first run reads only the overlap before its start)
   */
  readonly initialBackfillHours?: number;
}

export const POLLER_DEFAULTS = { rateMinutes: 5, initialBackfillHours: 0 } as const;

/** Throws one message naming every invalid poller option, with the accepted range. */
export function validatePollerOptions(options: PollerOptions, where = 'poller'): void {
  const problems: string[] = [];
  const rate = options.rateMinutes;
  if (rate !== undefined && (!Number.isInteger(rate) || rate < 1 || rate > 60)) {
    problems.push(`pollerRate must be a whole number of minutes from 1 to 60, got ${rate}`);
  }
  const backfill = options.initialBackfillHours;
  if (backfill !== undefined && (!Number.isInteger(backfill) || backfill < 0 || backfill > 2160)) {
    problems.push(
      `initialBackfillHours must be a whole number of hours from 0 to 2160 (90 days), got ${backfill}`,
    );
  }
  if (options.regions !== undefined) {
    try {
      if (parseRegions(options.regions).length === 0)
        problems.push('pollerRegions must name at least one region');
    } catch (error) {
      problems.push(`pollerRegions: ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) throw new Error(`${where}: ${problems.join('; ')}`);
}

export interface PollerProps extends PollerOptions {
  /** Key of the stack: the poller's log group and dead-letter queue are encrypted with it. */
  readonly encryptionKey: kms.IKey;
  /** The queue EventBridge feeds; the poller sends its records there too. */
  readonly analyzerQueue: EncryptedQueue;
  /** State table: checkpoints and the run lease. */
  readonly stateTable: dynamodb.ITable;
}

/**
 * The LookupEvents poller: a function run by EventBridge Scheduler every `rateMinutes` that reads CloudTrail's event
 * history since its checkpoints (state table) and sends the records the detections need to the analyzer queue. It
 * covers what EventBridge does not deliver (read-only calls, a misrouted or disabled EventBridge path) and fills
 * the gap after an outage.
 *
 * The function times out before the next run is due, and a lease in the state table lets one run at a time call
 * LookupEvents (so its 2-per-second bucket is the only one), without reserving account concurrency. Failed
 * schedule deliveries and failed invocations go to one encrypted dead-letter queue, alarmed.
 */
export class Poller extends Construct {
  public readonly function: TrailGuardFunction;
  public readonly schedule: scheduler.Schedule;
  /** Scheduler deliveries and async invocations that failed for good. */
  public readonly deadLetterQueue: sqs.Queue;
  /** Fires when the dead-letter queue holds a message. Add an action to route it. */
  public readonly deadLetterAlarm: cloudwatch.Alarm;
  public readonly rateMinutes: number;
  /** Regions each run reads, the global-events region first (may hold the stack region as a token). */
  public readonly regions: readonly string[];

  constructor(scope: Construct, id: string, props: PollerProps) {
    super(scope, id);
    validatePollerOptions(props, `Poller ${this.node.path}`);
    this.rateMinutes = props.rateMinutes ?? POLLER_DEFAULTS.rateMinutes;
    const backfillHours = props.initialBackfillHours ?? POLLER_DEFAULTS.initialBackfillHours;
    this.regions = pollRegions(props.regions ? parseRegions(props.regions) : [], Stack.of(this).region);
    const key = props.encryptionKey;

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue of the poller (failed schedule deliveries and failed async ' +
        'invocations); nothing consumes it, so a dead-letter queue of its own would never receive anything.',
    });
    this.deadLetterAlarm = new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      alarmName: `${Stack.of(this).stackName}-poller-dlq`,
      alarmDescription:
        'TrailGuard: a poller run could not be delivered or failed after its retries (messages in the poller ' +
        'dead-letter queue). The next run continues from the checkpoint; look at the poller logs for the cause.',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    const dlq = this.deadLetterQueue;
    // Lambda sends failed async invocations with the function's role. The CDK destination would grant the key with
    // wildcard actions (kms:GenerateDataKey*, kms:ReEncrypt*); these are the two SQS needs.
    const onFailure: lambda.IDestination = {
      bind: (_scope, fn) => {
        fn.role?.addToPrincipalPolicy(
          new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [dlq.queueArn] }),
        );
        if (fn.role) key.grant(fn.role, 'kms:GenerateDataKey', 'kms:Decrypt');
        return { destination: dlq.queueArn };
      },
    };

    // Time out before the next run is due, so runs do not pile up behind the lease.
    const timeoutSeconds = Math.min(900, Math.max(45, this.rateMinutes * 60 - 15));
    this.function = new TrailGuardFunction(this, 'Function', {
      entry: HANDLER_ENTRIES.poller,
      serviceName: 'trailguard-poller',
      encryptionKey: key,
      timeout: Duration.seconds(timeoutSeconds),
      memorySize: 256,
      onFailure,
    });
    const role = this.function.role;
    this.function
      .useTable(props.stateTable, ENV.stateTable, 'readWrite')
      .addEnvironment(ENV.analyzerQueueUrl, props.analyzerQueue.queue.queueUrl)
      .addEnvironment(ENV.pollerRegions, props.regions ? parseRegions(props.regions).join(',') : '')
      .addEnvironment(ENV.pollerBackfillHours, String(backfillHours));
    // SQS encrypts with the sender's permissions on the queue key.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['sqs:SendMessage'],
        resources: [props.analyzerQueue.queue.queueArn],
      }),
    );
    key.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');

    // LookupEvents has no resource-level permissions; a policy of its own keeps its acknowledgement apart from the
    // X-Ray one on the default policy.
    const lookup = new iam.Policy(this, 'LookupEventsPolicy', {
      statements: [new iam.PolicyStatement({ actions: ['cloudtrail:LookupEvents'], resources: ['*'] })],
      roles: [role],
    });
    Validations.of(lookup).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'cloudtrail:LookupEvents supports no resource-level permissions (it reads the account event history), so ' +
        'its resource must be "*"; this policy holds that one read-only action and nothing else.',
    });

    const scheduleRole = new iam.Role(this, 'ScheduleRole', {
      description: 'EventBridge Scheduler invokes the TrailGuard poller',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    });
    // The schedule sends undeliverable runs to the encrypted dead-letter queue with this role.
    key.grant(scheduleRole, 'kms:GenerateDataKey', 'kms:Decrypt');
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: `TrailGuard: runs the LookupEvents poller every ${this.rateMinutes} minute(s)`,
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(this.rateMinutes)),
      target: new targets.LambdaInvoke(this.function.function, {
        role: scheduleRole,
        deadLetterQueue: dlq,
        // A run that cannot start before the next one is due is not worth delivering late.
        maxEventAge: Duration.minutes(Math.max(1, this.rateMinutes)),
        retryAttempts: 3,
      }),
    });
    const schedulePolicy = scheduleRole.node.tryFindChild('DefaultPolicy');
    if (schedulePolicy !== undefined) {
      Validations.of(schedulePolicy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).resolve(Stack.of(this).getLogicalId(this.function.function.node.defaultChild as CfnElement))}.Arn>:*]`,
        reason:
          'LambdaInvoke grants lambda:InvokeFunction on the poller function and its versions and aliases ' +
          '(function ARN followed by :*); the schedule invokes only this one function.',
      });
    }
  }
}
