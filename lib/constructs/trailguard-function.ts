import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../../lambdas/shared/contract';
import type { EncryptedQueue } from './encrypted-queue';

/** The repository root: handler entries in the contract are relative to it. */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..', '..');

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
export type TableAccess = 'read' | 'readWrite';

export interface TrailGuardFunctionProps {
  /** Handler entry file, absolute or relative to the repository root (see `HANDLER_ENTRIES`). */
  readonly entry: string;
  /** `POWERTOOLS_SERVICE_NAME`, also used in the description. Lower case, digits and dashes. */
  readonly serviceName: string;
  /** Key that encrypts the function's log group (its policy must let CloudWatch Logs use it). */
  readonly encryptionKey: kms.IKey;
  /**
   * Exported handler function name.
   *
   * @default 'handler'
   */
  readonly handler?: string;
  /**
   * Function timeout (1 s to 15 min). Never Lambda's 3 s default.
   *
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
  /**
   * Memory in MB (128 to 10240). More memory also means more CPU on Lambda.
   *
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Log retention. A year covers the usual look-back of an incident investigation; logs are encrypted with the key.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * `POWERTOOLS_LOG_LEVEL`.
   *
   * @default 'INFO'
   */
  readonly logLevel?: LogLevel;
  /**
   * Reserved concurrency. Reserving takes capacity away from the rest of the account (and fails to deploy in
   * accounts with a low concurrency quota), so the SQS event source's `maxConcurrency` is the usual way to bound it.
   *
   * @default - no reservation
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Destination of failed asynchronous invocations. A function that is only fed by SQS (`consume()`) gets its
   * failure handling from the queue's dead-letter queue instead; a function with neither fails synthesis.
   *
   * @default - none (the function must consume a queue)
   */
  readonly onFailure?: lambda.IDestination;
  /**
   * Extra environment variables. Prefer the `use*` methods, which grant access together with the variable.
   *
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
}

export interface ConsumeOptions {
  /**
   * Messages per invocation (1 to 10 without a batching window, up to 10000 with one).
   *
   * @default 10
   */
  readonly batchSize?: number;
  /**
   * How long Lambda gathers messages before invoking. Must match the queue's `consumerBatchingWindow`.
   *
   * @default - no batching window
   */
  readonly maxBatchingWindow?: Duration;
  /**
   * Most concurrent invocations the event source starts (2 to 1000); bounds the blast radius without reserving
   * account concurrency.
   *
   * @default - as many as the queue needs
   */
  readonly maxConcurrency?: number;
}

export interface UseConfigOptions {
  /**
   * Seconds a warm function caches the configuration (`TRAILGUARD_CONFIG_CACHE_SECONDS`).
   *
   * @default 60
   */
  readonly cacheSeconds?: number;
  /**
   * Grant reading only this subtree of the prefix (e.g. `alerting` for `<prefix>/alerting/*`). The environment
   * variable still holds the whole prefix.
   *
   * @default - the whole prefix
   */
  readonly subtree?: string;
}

/** SSM parameter hierarchy: `/a/b`, no trailing slash, no `aws`/`ssm` reserved roots. */
export const CONFIG_PREFIX_PATTERN = /^(\/[a-zA-Z0-9_.-]+)+$/;

/**
 * The one Lambda construct: Node.js 22 on arm64, explicit timeout and memory, its own encrypted log group with a
 * retention, active X-Ray tracing, esbuild bundling, Powertools settings, and a role that starts empty except for
 * writing to its own log group. Configuration and permissions are bound together by the `use*` methods and
 * `consume()`, so an environment variable never exists without the access it implies (and the reverse).
 */
export class TrailGuardFunction extends Construct {
  public readonly function: nodejs.NodejsFunction;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;
  public readonly timeout: Duration;
  private readonly encryptionKey: kms.IKey;
  private consumesQueue = false;

  constructor(scope: Construct, id: string, props: TrailGuardFunctionProps) {
    super(scope, id);
    this.timeout = props.timeout ?? Duration.seconds(30);
    const memorySize = props.memorySize ?? 512;
    this.encryptionKey = props.encryptionKey;
    const entry = path.isAbsolute(props.entry) ? props.entry : path.join(PROJECT_ROOT, props.entry);
    this.validate(props, entry, memorySize);

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.encryptionKey,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `TrailGuard ${props.serviceName} function`,
    });
    // Instead of AWSLambdaBasicExecutionRole (logs:* on every log group): write to this function's group only.
    this.logGroup.grantWrite(this.role);

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry,
      handler: props.handler ?? 'handler',
      description: `TrailGuard ${props.serviceName}`,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: this.timeout,
      memorySize,
      role: this.role,
      logGroup: this.logGroup,
      tracing: lambda.Tracing.ACTIVE,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      onFailure: props.onFailure,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
        POWERTOOLS_METRICS_NAMESPACE: 'TrailGuard',
        NODE_OPTIONS: '--enable-source-maps',
        [ENV.stackName]: Stack.of(this).stackName,
        ...props.environment,
      },
      bundling: {
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        target: 'node22',
        format: nodejs.OutputFormat.CJS,
        // Prefer the ES module builds of dependencies (the AWS SDK v3, Powertools) so esbuild can tree-shake them.
        mainFields: ['module', 'main'],
        // Bundle the AWS SDK instead of using the runtime's copy: the code runs with the exact SDK version it was
        // tested with (the runtime's copy changes under us without a deploy), and a tree-shaken bundle of the few
        // clients we use loads faster than resolving the full SDK from the runtime's node_modules.
        externalModules: [],
        forceDockerBundling: false,
      },
    });

    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the runtime TrailGuard is built for (Lambda supports it until 2027) and the esbuild target ' +
        'matches it; moving to a newer runtime is a deliberate, tested change, not a side effect of a CDK upgrade.',
    });
    // Active tracing adds xray:PutTraceSegments/PutTelemetryRecords on "*" to the default policy.
    const defaultPolicy = this.role.node.tryFindChild('DefaultPolicy');
    if (defaultPolicy !== undefined) {
      Validations.of(defaultPolicy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions; the test suite asserts ' +
          'that X-Ray actions are the only ones on "*" in this policy.',
      });
    }

    this.node.addValidation({
      validate: () =>
        this.consumesQueue || props.onFailure !== undefined
          ? []
          : [
              `TrailGuardFunction ${this.node.path} neither consumes a queue (consume()) nor has an onFailure destination: ` +
                'failed invocations would be lost',
            ],
    });
  }

  /** Sets `envName` to the table name and grants the matching DynamoDB and KMS actions on that table only. */
  public useTable(table: dynamodb.ITable, envName: string, access: TableAccess): this {
    const read = [
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:Query',
      'dynamodb:ConditionCheckItem',
    ];
    const write = [
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
    ];
    table.grant(this.role, ...(access === 'readWrite' ? [...read, ...write] : read));
    if (table.encryptionKey !== undefined) {
      // DynamoDB uses the table key with the caller's permissions (listed without wildcards, unlike the CDK grants).
      const keyRead = ['kms:Decrypt', 'kms:DescribeKey'];
      const keyWrite = ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'];
      table.encryptionKey.grant(this.role, ...(access === 'readWrite' ? [...keyRead, ...keyWrite] : keyRead));
    }
    this.function.addEnvironment(envName, table.tableName);
    return this;
  }

  /**
   * Sets `envName` (default `TRAILGUARD_ALERT_TOPIC_ARN`) to the topic ARN and grants sns:Publish on that topic (and
   * the key SNS encrypts it with).
   */
  public useTopic(topic: sns.ITopic, envName: string = ENV.alertTopicArn): this {
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }),
    );
    topic.masterKey?.grant(this.role, 'kms:GenerateDataKey', 'kms:Decrypt');
    this.function.addEnvironment(envName, topic.topicArn);
    return this;
  }

  /**
   * Sets `envName` to the queue URL and grants sqs:SendMessage on that queue only (and the key it is encrypted with),
   * e.g. for a function that schedules delayed work on its own queue.
   */
  public useQueue(queue: sqs.IQueue, envName: string): this {
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }),
    );
    queue.encryptionMasterKey?.grant(this.role, 'kms:GenerateDataKey', 'kms:Decrypt');
    this.function.addEnvironment(envName, queue.queueUrl);
    return this;
  }

  /** Sets `TRAILGUARD_FINDINGS_BUS` and grants events:PutEvents on that bus only. */
  public useBus(bus: events.IEventBus): this {
    bus.grantPutEventsTo(this.role);
    this.function.addEnvironment(ENV.findingsBus, bus.eventBusName);
    return this;
  }

  /**
   * Sets `envName` to the bucket name and grants s3:PutObject on keys under `keyPrefix` only (and GenerateDataKey on
   * the bucket's key): a writer that can neither read, list nor delete what it wrote.
   */
  public useBucketForWrites(bucket: s3.IBucket, envName: string, keyPrefix: string): this {
    if (!/^[a-zA-Z0-9!_.*'()-]+\/$/.test(keyPrefix)) {
      throw new Error(
        `TrailGuardFunction ${this.node.path}: keyPrefix "${keyPrefix}" must be a folder such as reports/`,
      );
    }
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects(`${keyPrefix}*`)],
      }),
    );
    bucket.encryptionKey?.grant(this.role, 'kms:GenerateDataKey');
    // cdk-nag names the bucket by its logical id: <LogicalId.Arn>.
    const arn: unknown = Stack.of(this).resolve(bucket.bucketArn);
    const getAtt = (arn as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
    const shown = getAtt ? `<${getAtt[0]}.${getAtt[1]}>` : String(arn);
    Validations.of(this.role.node.findChild('DefaultPolicy')).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${shown}/${keyPrefix}*]`,
      reason:
        `The function writes new objects (dated report files) under ${keyPrefix} of this one bucket; object keys are ` +
        'only known at run time. PutObject only: no read, list or delete.',
    });
    this.function.addEnvironment(envName, bucket.bucketName);
    return this;
  }

  /**
   * Sets `TRAILGUARD_CONFIG_PREFIX` (and the cache time) and grants reading the parameters under the prefix:
   * GetParametersByPath on the path itself, GetParameter(s) on what lies under it.
   */
  public useConfig(prefix: string, options: UseConfigOptions = {}): this {
    if (!CONFIG_PREFIX_PATTERN.test(prefix)) {
      throw new Error(
        `TrailGuardFunction ${this.node.path}: config prefix "${prefix}" must look like /name or /a/b`,
      );
    }
    const cacheSeconds = options.cacheSeconds ?? 60;
    if (!Number.isInteger(cacheSeconds) || cacheSeconds < 0) {
      throw new Error(
        `TrailGuardFunction ${this.node.path}: cacheSeconds must be a whole number of seconds, got ${cacheSeconds}`,
      );
    }
    const stack = Stack.of(this);
    // Parameter names start with "/", so the ARN is ...:parameter/a/b (resource and name without a separator).
    const parameterArn = (name: string) =>
      stack.formatArn({
        service: 'ssm',
        resource: `parameter${name}`,
        arnFormat: ArnFormat.NO_RESOURCE_NAME,
      });
    if (options.subtree !== undefined && !/^[a-zA-Z0-9_.-]+(\/[a-zA-Z0-9_.-]+)*$/.test(options.subtree)) {
      throw new Error(
        `TrailGuardFunction ${this.node.path}: config subtree "${options.subtree}" must look like name or a/b`,
      );
    }
    const readable = options.subtree === undefined ? prefix : `${prefix}/${options.subtree}`;
    const pathArn = parameterArn(readable);
    const underPathArn = parameterArn(`${readable}/*`);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ssm:GetParametersByPath', 'ssm:GetParameter', 'ssm:GetParameters'],
        resources: [pathArn, underPathArn],
      }),
    );
    const defaultPolicy = this.role.node.findChild('DefaultPolicy');
    Validations.of(defaultPolicy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:parameter${readable}/*]`,
      reason:
        'The function reads its whole configuration subtree (per-rule mode, threshold, window, or the alerting ' +
        'settings); the set of parameters is open-ended, so those under the path are granted, and nothing outside it.',
    });
    this.function.addEnvironment(ENV.configPrefix, prefix);
    this.function.addEnvironment(ENV.configCacheSeconds, String(cacheSeconds));
    return this;
  }

  /**
   * Makes the queue the function's event source: batches, partial batch responses (`reportBatchItemFailures`:
   * only failed messages return to the queue and, after `maxReceiveCount` receives, go to its dead-letter queue).
   */
  public consume(queue: EncryptedQueue, options: ConsumeOptions = {}): this {
    const batchSize = options.batchSize ?? 10;
    const window = options.maxBatchingWindow ?? Duration.seconds(0);
    const needed = 6 * this.timeout.toSeconds() + window.toSeconds();
    if (queue.visibilityTimeout.toSeconds() < needed) {
      throw new Error(
        `TrailGuardFunction ${this.node.path}: queue ${queue.node.path} has a visibility timeout of ` +
          `${queue.visibilityTimeout.toSeconds()} s; consuming it needs at least 6 x timeout + batching window = ${needed} s ` +
          '(create the queue with consumerTimeout = the function timeout and the same consumerBatchingWindow)',
      );
    }
    if (
      options.maxConcurrency !== undefined &&
      (options.maxConcurrency < 2 || options.maxConcurrency > 1000)
    ) {
      throw new Error(
        `TrailGuardFunction ${this.node.path}: maxConcurrency must be from 2 to 1000, got ${options.maxConcurrency}`,
      );
    }
    this.function.addEventSource(
      new SqsEventSource(queue.queue, {
        batchSize,
        maxBatchingWindow: options.maxBatchingWindow,
        maxConcurrency: options.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );
    this.consumesQueue = true;
    return this;
  }

  /** Sets an environment variable that needs no permission (prefer the `use*` methods). */
  public addEnvironment(name: string, value: string): this {
    this.function.addEnvironment(name, value);
    return this;
  }

  private validate(props: TrailGuardFunctionProps, entry: string, memorySize: number): void {
    const where = `TrailGuardFunction ${this.node.path}`;
    if (!existsSync(entry)) {
      throw new Error(`${where}: handler entry ${entry} does not exist`);
    }
    if (!/^[a-z0-9-]{1,64}$/.test(props.serviceName)) {
      throw new Error(
        `${where}: serviceName "${props.serviceName}" must be 1-64 lower-case letters, digits or dashes`,
      );
    }
    const seconds = this.timeout.toSeconds();
    if (seconds < 1 || seconds > 900) {
      throw new Error(`${where}: timeout must be from 1 s to 900 s, got ${seconds} s`);
    }
    if (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10240) {
      throw new Error(`${where}: memorySize must be an integer from 128 to 10240 MB, got ${memorySize}`);
    }
    const reserved = props.reservedConcurrentExecutions;
    if (reserved !== undefined && (!Number.isInteger(reserved) || reserved < 1)) {
      throw new Error(`${where}: reservedConcurrentExecutions must be a positive integer, got ${reserved}`);
    }
  }
}
