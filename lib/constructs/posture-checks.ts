import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV, HANDLER_ENTRIES } from '../../lambdas/shared/contract';
import { TrailGuardFunction } from './trailguard-function';

/** `-c postureSchedule=...`: `off`, `daily` (06:00 UTC), or an EventBridge `cron(...)` / `rate(...)` expression. */
export const POSTURE_SCHEDULE_DAILY = 'cron(0 6 * * ? *)';

/**
 * The schedule for a `postureSchedule` value, or `undefined` for `off`. Throws a message that says what is accepted.
 */
export function postureSchedule(value: string): events.Schedule | undefined {
  const text = value.trim();
  if (text === 'off') return undefined;
  if (text === 'daily') return events.Schedule.expression(POSTURE_SCHEDULE_DAILY);
  const cron = /^cron\((\S+ ){5}\S+\)$/.test(text);
  const rate = /^rate\((1 (minute|hour|day)|([2-9]|[1-9]\d+) (minutes|hours|days))\)$/.test(text);
  if (!cron && !rate) {
    throw new Error(
      `postureSchedule "${value}" must be off, daily, or an EventBridge expression such as "cron(0 6 * * ? *)" ` +
        '(six fields) or "rate(12 hours)"',
    );
  }
  return events.Schedule.expression(text);
}

/** The IAM reads the checks make: none of these support resource-level permissions. */
export const POSTURE_ACCOUNT_READS = [
  'iam:GenerateCredentialReport',
  'iam:GetCredentialReport',
  'iam:GetAccountSummary',
  'iam:GetAccountPasswordPolicy',
] as const;
/** Per-user reads (key ids, policies attached directly). */
export const POSTURE_USER_READS = [
  'iam:ListAccessKeys',
  'iam:ListAttachedUserPolicies',
  'iam:ListUserPolicies',
  'iam:GetUserPolicy',
] as const;
/** Customer managed policy documents (is it "*:*"?). */
export const POSTURE_POLICY_READS = ['iam:GetPolicy', 'iam:GetPolicyVersion'] as const;

export interface PostureChecksProps {
  /** The stack key: the report bucket, the failure queue and the function's logs are encrypted with it. */
  readonly encryptionKey: kms.IKey;
  /** Findings (one per violation) go on this bus. */
  readonly findingsBus: events.IEventBus;
  /** The summary email goes to this topic. */
  readonly alertTopic: sns.ITopic;
  /** SSM path of the run-time configuration (modes, thresholds, baseline, kill switch). */
  readonly configPrefix: string;
  /** When the checks run (see `postureSchedule()`). */
  readonly schedule: events.Schedule;
  /**
   * How long reports are kept. Two years covers the audit period and the one before it.
   *
   * @default Duration.days(730)
   */
  readonly reportRetention?: Duration;
  /**
   * How long a report version that was overwritten or deleted is kept (reports are never overwritten by TrailGuard;
   * this undoes a mistake or tampering).
   *
   * @default Duration.days(365)
   */
  readonly noncurrentVersionRetention?: Duration;
  /**
   * The function's timeout: the credential report, then two to four IAM reads per user (IAM throttles at about
   * 20 requests per second, so an account with thousands of users needs minutes).
   *
   * @default Duration.minutes(15)
   */
  readonly timeout?: Duration;
}

/**
 * Scheduled IAM posture checks: a TrailGuard function run by an EventBridge schedule that reads the credential
 * report and account settings, stores a report in a dedicated bucket, puts a finding per violation on the findings
 * bus and sends the summary to the alert topic.
 *
 * - Bucket: encrypted with the stack key (bucket key on), versioned, TLS 1.2+ only, all public access blocked,
 *   ACLs disabled, lifecycle (reports expire after `reportRetention`, earlier versions after
 *   `noncurrentVersionRetention`, failed uploads after 7 days), retained when the stack is deleted (audit evidence).
 * - Failures: the schedule's undeliverable events and the function's failed asynchronous invocations (after
 *   Lambda's two retries) land in an encrypted queue with an alarm (`failureAlarm`: add an action).
 * - IAM: read-only, on the narrowest resources IAM allows; PutObject under `posture/` only.
 */
export class PostureChecks extends Construct {
  public readonly function: TrailGuardFunction;
  public readonly bucket: s3.Bucket;
  public readonly rule: events.Rule;
  public readonly failureQueue: sqs.Queue;
  /** Fires when a run failed (the failure queue holds a message). */
  public readonly failureAlarm: cloudwatch.Alarm;
  public readonly readPolicy: iam.Policy;

  constructor(scope: Construct, id: string, props: PostureChecksProps) {
    super(scope, id);
    const where = `PostureChecks ${this.node.path}`;
    const retention = props.reportRetention ?? Duration.days(730);
    const noncurrent = props.noncurrentVersionRetention ?? Duration.days(365);
    for (const [name, value] of [
      ['reportRetention', retention],
      ['noncurrentVersionRetention', noncurrent],
    ] as const) {
      const days = value.toDays({ integral: false });
      if (!Number.isInteger(days) || days < 1)
        throw new Error(`${where}: ${name} must be a whole number of days, got ${days}`);
    }
    const stack = Stack.of(this);

    this.bucket = new s3.Bucket(this, 'Reports', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: true,
      versioned: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'ExpireOldReports',
          expiration: retention,
          noncurrentVersionExpiration: noncurrent,
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The bucket holds TrailGuard posture reports written by one function role (PutObject only). Object-level ' +
        'access is auditable through CloudTrail S3 data events, which the account enables centrally; a separate ' +
        'access-log bucket would add storage without adding evidence.',
    });

    this.failureQueue = new sqs.Queue(this, 'FailureQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.failureQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is itself the dead-letter destination of the posture schedule and of the function's failed " +
        'asynchronous invocations; it has an alarm, and a dead-letter queue of a dead-letter queue adds nothing.',
    });
    this.failureAlarm = new cloudwatch.Alarm(this, 'FailureAlarm', {
      alarmDescription:
        `TrailGuard: a posture check run failed (${this.node.path}). The day's report and findings are missing; ` +
        'read the function logs, fix, and invoke the function again.',
      metric: this.failureQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    const failureQueue = this.failureQueue;
    // Lambda sends failed asynchronous invocations with the function's role; the grant is precise (no kms wildcards).
    const onFailure: lambda.IDestination = { bind: () => ({ destination: failureQueue.queueArn }) };
    this.function = new TrailGuardFunction(this, 'Function', {
      entry: HANDLER_ENTRIES.posture,
      serviceName: 'trailguard-posture',
      encryptionKey: props.encryptionKey,
      timeout: props.timeout ?? Duration.minutes(15),
      memorySize: 512,
      onFailure,
    });
    this.function.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [failureQueue.queueArn] }),
    );
    props.encryptionKey.grant(this.function.role, 'kms:GenerateDataKey', 'kms:Decrypt');
    this.function
      .useBus(props.findingsBus)
      .useTopic(props.alertTopic)
      .useConfig(props.configPrefix)
      .useBucketForWrites(this.bucket, ENV.postureBucket, 'posture/');

    this.readPolicy = new iam.Policy(this, 'ReadIam', {
      statements: [
        new iam.PolicyStatement({
          sid: 'AccountWideIamReads',
          actions: [...POSTURE_ACCOUNT_READS],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'UserReads',
          actions: [...POSTURE_USER_READS],
          resources: [stack.formatArn({ service: 'iam', region: '', resource: 'user', resourceName: '*' })],
        }),
        new iam.PolicyStatement({
          sid: 'CustomerManagedPolicyReads',
          actions: [...POSTURE_POLICY_READS],
          resources: [stack.formatArn({ service: 'iam', region: '', resource: 'policy', resourceName: '*' })],
        }),
      ],
    });
    this.readPolicy.attachToRole(this.function.role);
    const acknowledge = (finding: string, reason: string) =>
      Validations.of(this.readPolicy).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
    acknowledge(
      'Resource::*',
      'GenerateCredentialReport, GetCredentialReport, GetAccountSummary and GetAccountPasswordPolicy are ' +
        'account-level reads with no resource-level permissions; they are the only actions on "*" (the test suite ' +
        'asserts it).',
    );
    acknowledge(
      'Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:user/*',
      'The checks read every IAM user of the account (access key ids and policies attached directly); list and get ' +
        'only, no write.',
    );
    acknowledge(
      'Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:policy/*',
      'The customer managed policies attached to users are only known at run time; GetPolicy and GetPolicyVersion ' +
        'read their documents to tell "*:*" grants. Read only.',
    );

    this.rule = new events.Rule(this, 'Schedule', {
      schedule: props.schedule,
      description: 'TrailGuard IAM posture checks',
    });
    const fn = this.function.function;
    this.rule.addTarget({
      bind: () => ({
        arn: fn.functionArn,
        targetResource: fn,
        deadLetterConfig: { arn: failureQueue.queueArn },
        // A run missed for 6 hours is better skipped: the next one reports the same state.
        retryPolicy: { maximumEventAgeInSeconds: 6 * 3600, maximumRetryAttempts: 20 },
      }),
    });
    fn.addPermission('InvokedBySchedule', {
      principal: new iam.ServicePrincipal('events.amazonaws.com'),
      sourceArn: this.rule.ruleArn,
    });
    // The key policy lets EventBridge use the key for this account; the queue lets exactly this rule send.
    failureQueue.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [failureQueue.queueArn],
        conditions: { ArnEquals: { 'aws:SourceArn': [this.rule.ruleArn] } },
      }),
    );
  }
}
