import type { CfnElement } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TrailGuardFunction } from '../../lib/constructs/trailguard-function';
import type { TrailGuardStack } from '../../lib/trailguard-stack';
import { synth } from './synth';

let stack: TrailGuardStack;
let template: Template;
const logicalId = (construct: IConstruct | undefined): string =>
  stack.resolve(stack.getLogicalId(construct as CfnElement));
const alertTopic = () => ({ Ref: logicalId(stack.alertTopic.topic.node.defaultChild) });

beforeAll(() => {
  ({ stack, template } = synth());
});

/** The template properties of the Monitoring alarm named `<stack>-<suffix>`. */
function alarmNamed(suffix: string): Record<string, unknown> {
  const found = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter(
    (alarm) => alarm.Properties.AlarmName === `TrailGuard-${suffix}`,
  );
  expect(found, suffix).toHaveLength(1);
  return found[0]?.Properties as Record<string, unknown>;
}

describe('Monitoring alarms', () => {
  it('alarms on errors and on throttles of every function, each notifying the alert topic', () => {
    // Prepare
    const functions = stack.node
      .findAll()
      .filter((c): c is TrailGuardFunction => c instanceof TrailGuardFunction);
    // Assess
    expect(functions.length).toBeGreaterThanOrEqual(4);
    for (const fn of functions) {
      for (const metric of ['Errors', 'Throttles']) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/Lambda',
          MetricName: metric,
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(fn.function.node.defaultChild) } }],
          Statistic: 'Sum',
          Period: 300,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
          AlarmActions: [alertTopic()],
        });
      }
    }
  });

  it('alarms when the oldest message of the analyzer queue is 15 minutes old', () => {
    expect(alarmNamed('analyzer-queue-age')).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: {
            'Fn::GetAtt': [
              logicalId(stack.node.findChild('AnalyzerQueue').node.findChild('Queue').node.defaultChild),
              'QueueName',
            ],
          },
        },
      ],
      Statistic: 'Maximum',
      Threshold: 900,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [alertTopic()],
    });
  });

  it('alarms when the poller reports a lag above three runs or reports nothing for three runs', () => {
    expect(alarmNamed('poller-lag')).toMatchObject({
      Namespace: 'TrailGuard',
      MetricName: 'PollerLagSeconds',
      Dimensions: [{ Name: 'service', Value: 'trailguard-poller' }],
      Statistic: 'Maximum',
      Period: 900,
      Threshold: 900,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [alertTopic()],
    });
  });

  it('alarms when no CloudTrail event came through EventBridge for the heartbeat period, missing data included', () => {
    expect(alarmNamed('heartbeat')).toMatchObject({
      Namespace: 'TrailGuard',
      MetricName: 'EventBridgeEvents',
      Dimensions: [{ Name: 'service', Value: 'trailguard-analyzer' }],
      Statistic: 'Sum',
      Period: 1800,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [alertTopic()],
    });
  });

  it('alarms on failed deliveries of every detection rule and of the heartbeat rule', () => {
    // Prepare
    const rules = [...stack.detections.groups.map((g) => g.rule), stack.monitoring.heartbeat.rule];
    // Assess
    for (const rule of rules) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Events',
        MetricName: 'FailedInvocations',
        Dimensions: [{ Name: 'RuleName', Value: { Ref: logicalId(rule) } }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [alertTopic()],
      });
    }
  });

  it('alarms when a detection throws on an event', () => {
    expect(alarmNamed('rule-errors')).toMatchObject({
      Namespace: 'TrailGuard',
      MetricName: 'RuleErrors',
      Dimensions: [{ Name: 'service', Value: 'trailguard-analyzer' }],
      Threshold: 1,
      AlarmActions: [alertTopic()],
    });
  });

  it("alarms on the poller's dead-letter queue as on the work queues'", () => {
    expect(alarmNamed('poller-dlq')).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalId(stack.poller.deadLetterQueue.node.defaultChild), 'QueueName'] },
        },
      ],
      Threshold: 1,
      AlarmActions: [alertTopic()],
    });
  });

  it('gives every Monitoring alarm a description of what it catches and the alert topic as action', () => {
    for (const { alarm, catches } of stack.monitoring.alarms) {
      const properties =
        template.findResources('AWS::CloudWatch::Alarm')[logicalId(alarm.node.defaultChild)]?.Properties;
      expect(properties?.AlarmDescription).toBe(`TrailGuard: ${catches}`);
      expect(catches.length).toBeGreaterThan(40);
      expect(properties?.AlarmActions).toEqual([alertTopic()]);
    }
  });

  it('derives the heartbeat period and the poller lag alarm from the stack options', () => {
    // Act
    const custom = synth({ context: { heartbeatMinutes: '60', pollerRate: '10' } }).template;
    // Assess
    custom.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'TrailGuard-heartbeat',
      Period: 3600,
    });
    custom.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'TrailGuard-poller-lag',
      Period: 1800,
      Threshold: 1800,
    });
    custom.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(10 minutes)',
      Target: Match.objectLike({
        Arn: Match.objectLike({ 'Fn::GetAtt': Match.arrayWith([Match.stringLikeRegexp('^PollerFunction')]) }),
      }),
    });
  });

  it('rejects a heartbeat period CloudWatch cannot use or that the heartbeat itself would break', () => {
    expect(() => synth({ context: { heartbeatMinutes: '5' } })).toThrow(
      /heartbeatMinutes must be a whole number of minutes from 10 to 1440/,
    );
    expect(() => synth({ context: { heartbeatMinutes: 'often' } })).toThrow(
      /context "heartbeatMinutes" must be a whole number, got "often"/,
    );
  });
});
