import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../lambdas/shared/contract';
import { EncryptedQueue } from '../../lib/constructs/encrypted-queue';
import { Poller, validatePollerOptions } from '../../lib/constructs/poller';
import type { TrailGuardStack } from '../../lib/trailguard-stack';
import { asArray, roleStatements, type Statement, synth } from './synth';

let stack: TrailGuardStack;
let template: Template;
const logicalId = (construct: IConstruct | undefined): string =>
  stack.resolve(stack.getLogicalId(construct as CfnElement));
const arnOf = (construct: IConstruct) => ({
  'Fn::GetAtt': [logicalId(construct.node.defaultChild ?? construct), 'Arn'],
});
const actionsOf = (statement: Statement) => asArray(statement.Action);

beforeAll(() => {
  ({ stack, template } = synth());
});

describe('Poller', () => {
  it('runs a Node.js 22 function every 5 minutes through EventBridge Scheduler, with retries and a dead-letter queue', () => {
    // Prepare
    const fn = logicalId(stack.poller.function.function.node.defaultChild);
    // Assess
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [fn, 'Arn'] },
        RoleArn: arnOf(stack.poller.node.findChild('ScheduleRole')),
        DeadLetterConfig: { Arn: arnOf(stack.poller.deadLetterQueue) },
        RetryPolicy: { MaximumEventAgeInSeconds: 300, MaximumRetryAttempts: 3 },
      },
    });
    // It stops before the next run is due.
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Timeout: 285,
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'trailguard-poller',
          [ENV.analyzerQueueUrl]: {
            Ref: logicalId(stack.node.findChild('AnalyzerQueue').node.findChild('Queue').node.defaultChild),
          },
          [ENV.stateTable]: Match.anyValue(),
          [ENV.pollerRegions]: '',
          [ENV.pollerBackfillHours]: '0',
        }),
      },
    });
  });

  it('sends failed asynchronous runs to its encrypted, TLS-only dead-letter queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(stack.poller.function.function.node.defaultChild) },
      DestinationConfig: { OnFailure: { Destination: arnOf(stack.poller.deadLetterQueue) } },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: arnOf(stack.key),
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
  });

  it('grants the poller LookupEvents, sending to the analyzer queue and its dead-letter queue, the state table and nothing else', () => {
    // Prepare
    const statements = roleStatements(template, logicalId(stack.poller.function.role.node.defaultChild));
    const allowed = statements.filter((s) => s.Effect === 'Allow');
    const analyzerQueue = stack.node.findChild('AnalyzerQueue').node.findChild('Queue');
    // Assess
    const onStar = allowed
      .filter((s) => asArray(s.Resource).includes('*'))
      .flatMap(actionsOf)
      .sort();
    expect(onStar).toEqual(['cloudtrail:LookupEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    const send = allowed.filter((s) => actionsOf(s).includes('sqs:SendMessage'));
    expect(
      send
        .flatMap((s) => asArray(s.Resource))
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    ).toEqual(
      [arnOf(analyzerQueue), arnOf(stack.poller.deadLetterQueue)].sort((a, b) =>
        JSON.stringify(a).localeCompare(JSON.stringify(b)),
      ),
    );
    const services = new Set(allowed.flatMap(actionsOf).map((a) => a.split(':')[0]));
    expect([...services].sort()).toEqual(['cloudtrail', 'dynamodb', 'kms', 'logs', 'sqs', 'xray']);
    expect(
      allowed
        .flatMap(actionsOf)
        .filter((a) => a.startsWith('kms:'))
        .sort(),
    ).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey']));
    expect(allowed.flatMap(actionsOf)).not.toContain('events:PutEvents');
  });

  it('lets the schedule invoke only the poller and write only to its dead-letter queue', () => {
    // Prepare
    const statements = roleStatements(
      template,
      logicalId(stack.poller.node.findChild('ScheduleRole').node.defaultChild),
    );
    const fnArn = { 'Fn::GetAtt': [logicalId(stack.poller.function.function.node.defaultChild), 'Arn'] };
    // Assess
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: 'lambda:InvokeFunction',
        Resource: [fnArn, { 'Fn::Join': ['', [fnArn, ':*']] }],
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({ Action: 'sqs:SendMessage', Resource: arnOf(stack.poller.deadLetterQueue) }),
    );
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ],
      },
    });
  });

  it("puts the poller's role among the roles the remediator may never touch", () => {
    const deny = roleStatements(template, logicalId(stack.remediator.role.node.defaultChild)).find(
      (s) => s.Effect === 'Deny',
    );
    expect(deny?.Resource).toContainEqual(arnOf(stack.poller.function.role));
  });

  it('passes the regions and the backfill from the stack options, and times out before the next run', () => {
    // Act
    const custom = synth({
      context: { pollerRegions: 'eu-west-1, eu-central-1', initialBackfillHours: '48', pollerRate: '1' },
    }).template;
    // Assess
    custom.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 45,
      Environment: {
        Variables: Match.objectLike({
          [ENV.pollerRegions]: 'eu-west-1,eu-central-1',
          [ENV.pollerBackfillHours]: '48',
        }),
      },
    });
  });

  it('rejects each invalid stack option with the accepted range', () => {
    expect(() => synth({ context: { pollerRate: '0' } })).toThrow(
      /pollerRate must be a whole number of minutes from 1 to 60, got 0/,
    );
    expect(() => synth({ context: { pollerRate: '5m' } })).toThrow(
      /context "pollerRate" must be a whole number, got "5m"/,
    );
    expect(() => synth({ context: { initialBackfillHours: '2161' } })).toThrow(
      /initialBackfillHours must be a whole number of hours from 0 to 2160 \(90 days\), got 2161/,
    );
    expect(() => synth({ context: { pollerRegions: 'eu-west-1,Frankfurt' } })).toThrow(
      /pollerRegions: not a region name: "Frankfurt"/,
    );
    expect(() => validatePollerOptions({ regions: [' '] })).toThrow(
      /pollerRegions must name at least one region/,
    );
  });

  it('accepts a poller in a stack of its own, without the rest of TrailGuard', () => {
    // Prepare
    const own = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'PollerOnly');
    const key = new kms.Key(own, 'Key');
    const table = new dynamodb.Table(own, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    });
    const queue = new EncryptedQueue(own, 'Queue', { encryptionKey: key });
    // Act
    const poller = new Poller(own, 'Poller', {
      encryptionKey: key,
      analyzerQueue: queue,
      stateTable: table,
      rateMinutes: 15,
    });
    // Assess
    expect(poller.rateMinutes).toBe(15);
    expect(poller.regions[0]).toBe('us-east-1');
  });
});

describe('Heartbeat', () => {
  it('rewrites its SSM parameter every 5 minutes with a Scheduler SDK target allowed only that write', () => {
    // Prepare
    const role = stack.monitoring.heartbeat.node.findChild('ScheduleRole');
    // Assess
    template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/trailguard/heartbeat', Type: 'String' });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(5 minutes)',
      Target: Match.objectLike({
        Arn: {
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':scheduler:::aws-sdk:ssm:putParameter']],
        },
        Input: JSON.stringify({
          Name: '/trailguard/heartbeat',
          Value: '<aws.scheduler.scheduled-time>',
          Type: 'String',
          Overwrite: true,
        }),
        RoleArn: arnOf(role),
      }),
    });
    const statements = roleStatements(template, logicalId(role.node.defaultChild));
    expect(statements.flatMap(actionsOf)).toEqual(['ssm:PutParameter']);
    expect(JSON.stringify(statements[0]?.Resource)).toContain(':parameter/trailguard/heartbeat"');
  });

  it("delivers the heartbeat parameter's CloudTrail event to the analyzer queue, allowed by the queue policy", () => {
    // Prepare
    const analyzer = stack.node.findChild('AnalyzerQueue');
    const rule = logicalId(stack.monitoring.heartbeat.rule);
    // Assess
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: Match.absent(),
      EventPattern: {
        source: ['aws.ssm'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['ssm.amazonaws.com'],
          eventName: ['PutParameter'],
          requestParameters: { name: ['/trailguard/heartbeat'] },
        },
      },
      Targets: [
        Match.objectLike({
          Arn: arnOf(analyzer.node.findChild('Queue')),
          DeadLetterConfig: { Arn: arnOf(analyzer.node.findChild('DeadLetterQueue')) },
        }),
      ],
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': [{ 'Fn::GetAtt': [rule, 'Arn'] }] } },
          }),
        ]),
      },
    });
  });
});

describe('deployment manifest', () => {
  it('writes what trailguard status reads to <prefix>/deployment', () => {
    // Prepare
    const parameter = Object.values(template.findResources('AWS::SSM::Parameter')).find(
      (p) => p.Properties.Name === '/trailguard/deployment',
    );
    const value = JSON.stringify(parameter?.Properties.Value);
    // Assess
    expect(parameter?.Properties.Tier).toBe('Standard');
    for (const needle of [
      '\\"stateTable\\":',
      '\\"pollerRateMinutes\\":5',
      '\\"name\\":\\"poller\\"',
      '\\"purpose\\":\\"Heartbeat\\"',
    ]) {
      expect(value).toContain(needle);
    }
    expect(value).toContain(logicalId(stack.monitoring.heartbeat.rule));
    for (const group of stack.detections.groups) expect(value).toContain(logicalId(group.rule));
  });
});
