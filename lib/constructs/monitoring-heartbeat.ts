import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { ssmNames } from '../../lambdas/shared/contract';
import type { EncryptedQueue } from './encrypted-queue';

export interface HeartbeatProps {
  /** SSM path of the run-time configuration; the heartbeat parameter lives under it. */
  readonly configPrefix: string;
  /** Where the heartbeat's CloudTrail event is delivered, as the detections' events are. */
  readonly analyzerQueue: EncryptedQueue;
  /**
   * Minutes between heartbeats.
   *
   * @default 5
   */
  readonly rateMinutes?: number;
}

/**
 * A canary through the EventBridge path. EventBridge Scheduler rewrites one SSM parameter every few minutes (a
 * write API call, so CloudTrail records it and, with a logging trail, delivers it to the default bus); a rule sends
 * that event to the analyzer queue like a detection event. The analyzer counts every EventBridge-delivered message
 * (`EventBridgeEvents`), so in a quiet account the count still never stays at zero while the path works, and the
 * heartbeat alarm means what it says: a stopped trail, a broken delivery to the queue, or a broken analyzer.
 */
export class Heartbeat extends Construct {
  public readonly parameter: ssm.StringParameter;
  public readonly schedule: scheduler.Schedule;
  /** The default-bus rule that delivers the heartbeat's CloudTrail event to the analyzer queue. */
  public readonly rule: events.CfnRule;

  constructor(scope: Construct, id: string, props: HeartbeatProps) {
    super(scope, id);
    const rate = props.rateMinutes ?? 5;
    if (!Number.isInteger(rate) || rate < 1 || rate > 60) {
      throw new Error(
        `Heartbeat ${this.node.path}: rateMinutes must be a whole number from 1 to 60, got ${rate}`,
      );
    }
    const name = ssmNames.heartbeat(props.configPrefix);
    this.parameter = new ssm.StringParameter(this, 'Parameter', {
      parameterName: name,
      stringValue: 'not yet written',
      description:
        'TrailGuard heartbeat: rewritten by a schedule; its CloudTrail event proves the EventBridge path',
    });
    const parameterArn = Stack.of(this).formatArn({
      service: 'ssm',
      resource: `parameter${name}`,
      arnFormat: ArnFormat.NO_RESOURCE_NAME,
    });
    const role = new iam.Role(this, 'ScheduleRole', {
      description: 'EventBridge Scheduler rewrites the TrailGuard heartbeat parameter',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    });
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: `TrailGuard heartbeat: rewrites ${name} every ${rate} minute(s)`,
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(rate)),
      target: new targets.Universal({
        service: 'ssm',
        action: 'putParameter',
        role,
        input: scheduler.ScheduleTargetInput.fromObject({
          Name: name,
          Value: scheduler.ContextAttribute.scheduledTime,
          Type: 'String',
          Overwrite: true,
        }),
        policyStatements: [
          new iam.PolicyStatement({ actions: ['ssm:PutParameter'], resources: [parameterArn] }),
        ],
        // A missed beat is what the alarm is for; retrying it late proves nothing.
        maxEventAge: Duration.minutes(1),
        retryAttempts: 0,
      }),
    });

    this.rule = new events.CfnRule(this, 'Rule', {
      description:
        'TrailGuard heartbeat: the CloudTrail event of the heartbeat parameter write, to the analyzer',
      state: 'ENABLED',
      eventPattern: {
        source: ['aws.ssm'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['ssm.amazonaws.com'],
          eventName: ['PutParameter'],
          requestParameters: { name: [name] },
        },
      },
      targets: [
        {
          id: 'AnalyzerQueue',
          arn: props.analyzerQueue.queue.queueArn,
          deadLetterConfig: { arn: props.analyzerQueue.deadLetterQueue.queueArn },
          retryPolicy: { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 20 },
        },
      ],
    });
    props.analyzerQueue.allowSendFromRules([this.rule.attrArn]);
  }
}
