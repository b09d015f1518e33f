import type { CfnElement } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { postureParameters } from '../../lambdas/posture/settings';
import { DEFAULT_CONFIG_PREFIX, ENV } from '../../lambdas/shared/contract';
import {
  POSTURE_ACCOUNT_READS,
  POSTURE_POLICY_READS,
  POSTURE_SCHEDULE_DAILY,
  POSTURE_USER_READS,
} from '../../lib/constructs/posture-checks';
import type { TrailGuardStack } from '../../lib/trailguard-stack';
import { asArray, roleStatements, type Statement, synth } from './synth';

let stack: TrailGuardStack;
let template: Template;
const logicalId = (element: unknown): string => stack.resolve(stack.getLogicalId(element as CfnElement));
const posture = () => {
  if (!stack.posture) throw new Error('the stack has no posture checks');
  return stack.posture;
};
const arnOf = (element: unknown) => ({ 'Fn::GetAtt': [logicalId(element), 'Arn'] });
const actionsOf = (s: Statement) => asArray(s.Action);

beforeAll(() => {
  ({ stack, template } = synth());
});

describe('posture checks: schedule and failures', () => {
  it('runs the posture function daily at 06:00 UTC by default, with retries bounded and a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: POSTURE_SCHEDULE_DAILY,
      Targets: [
        Match.objectLike({
          Arn: arnOf(posture().function.function.node.defaultChild),
          DeadLetterConfig: { Arn: arnOf(posture().failureQueue.node.defaultChild) },
          RetryPolicy: { MaximumEventAgeInSeconds: 21_600, MaximumRetryAttempts: 20 },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      SourceArn: arnOf(posture().rule.node.defaultChild),
    });
  });

  it('sends failed invocations to the encrypted failure queue, which alarms on both topics', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(posture().function.function.node.defaultChild) },
      DestinationConfig: { OnFailure: { Destination: arnOf(posture().failureQueue.node.defaultChild) } },
    });
    expect(
      template.findResources('AWS::SQS::Queue')[logicalId(posture().failureQueue.node.defaultChild)]
        ?.Properties,
    ).toEqual({
      KmsMasterKeyId: arnOf(stack.key.node.defaultChild),
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalId(posture().failureQueue.node.defaultChild), 'QueueName'] },
        },
      ],
      Threshold: 1,
      AlarmActions: [
        { Ref: logicalId(stack.alertTopic.topic.node.defaultChild) },
        { Ref: logicalId(stack.escalationTopic.topic.node.defaultChild) },
      ],
    });
  });

  it('lets only the schedule rule send to the failure queue', () => {
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: logicalId(posture().failureQueue.node.defaultChild) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Condition: { ArnEquals: { 'aws:SourceArn': [arnOf(posture().rule.node.defaultChild)] } },
          }),
        ]),
      },
    });
  });
});

describe('posture checks: report bucket', () => {
  it('encrypts with the stack key, versions, blocks public access and disables ACLs', () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            {
              BucketKeyEnabled: true,
              ServerSideEncryptionByDefault: {
                SSEAlgorithm: 'aws:kms',
                KMSMasterKeyID: arnOf(stack.key.node.defaultChild),
              },
            },
          ],
        },
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      }),
    });
  });

  it('expires reports after two years and overwritten versions after one', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [
          {
            Id: 'ExpireOldReports',
            Status: 'Enabled',
            ExpirationInDays: 730,
            NoncurrentVersionExpiration: { NoncurrentDays: 365 },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
          },
        ],
      },
    });
  });

  it('denies requests without TLS 1.2 or later', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalId(posture().bucket.node.defaultChild) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        ]),
      },
    });
  });
});

describe('posture checks: IAM', () => {
  const statements = () => roleStatements(template, logicalId(posture().function.role.node.defaultChild));

  it('reads IAM only, on the narrowest resources IAM allows', () => {
    // Prepare
    const iam = statements().filter((s) => actionsOf(s).some((a) => a.startsWith('iam:')));
    const onResource = (resource: unknown) =>
      iam
        .filter((s) => JSON.stringify(asArray(s.Resource)) === JSON.stringify([resource]))
        .flatMap(actionsOf);
    // Assess
    expect(onResource('*').sort()).toEqual([...POSTURE_ACCOUNT_READS].sort());
    expect(
      onResource({
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':user/*']],
      }).sort(),
    ).toEqual([...POSTURE_USER_READS].sort());
    expect(
      onResource({
        'Fn::Join': [
          '',
          ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':policy/*'],
        ],
      }).sort(),
    ).toEqual([...POSTURE_POLICY_READS].sort());
    expect(iam.flatMap(actionsOf).filter((a) => !/^iam:(Get|List|Generate)/.test(a))).toEqual([]);
  });

  it('writes only report objects under posture/, findings on the bus, the summary to the alert topic', () => {
    // Prepare
    const all = statements().filter((s) => s.Effect === 'Allow');
    const writes = all.flatMap(actionsOf).filter((a) => /^(s3|events|sns|sqs):/.test(a));
    // Assess
    expect([...new Set(writes)].sort()).toEqual([
      'events:PutEvents',
      's3:PutObject',
      'sns:Publish',
      'sqs:SendMessage',
    ]);
    expect(all.find((s) => actionsOf(s).includes('s3:PutObject'))?.Resource).toEqual({
      'Fn::Join': ['', [arnOf(posture().bucket.node.defaultChild), '/posture/*']],
    });
    expect(all.find((s) => actionsOf(s).includes('events:PutEvents'))?.Resource).toEqual(
      arnOf(stack.findings.bus.node.defaultChild),
    );
    expect(all.find((s) => actionsOf(s).includes('sns:Publish'))?.Resource).toEqual({
      Ref: logicalId(stack.alertTopic.topic.node.defaultChild),
    });
    expect(all.find((s) => actionsOf(s).includes('sqs:SendMessage'))?.Resource).toEqual(
      arnOf(posture().failureQueue.node.defaultChild),
    );
  });

  it('is one of the publishers the findings bus accepts, and one of the roles the remediator never touches', () => {
    template.hasResourceProperties('AWS::Events::EventBusPolicy', {
      Statement: Match.objectLike({
        Effect: 'Deny',
        Condition: {
          ArnNotEquals: {
            'aws:PrincipalArn': Match.arrayWith([arnOf(posture().function.role.node.defaultChild)]),
          },
        },
      }),
    });
    const remediatorDeny = roleStatements(template, logicalId(stack.remediator.role.node.defaultChild)).find(
      (s) => s.Effect === 'Deny',
    );
    expect(remediatorDeny?.Resource).toContainEqual(arnOf(posture().function.role.node.defaultChild));
  });

  it('binds the configuration the handler reads', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'trailguard-posture',
          [ENV.postureBucket]: { Ref: logicalId(posture().bucket.node.defaultChild) },
          [ENV.findingsBus]: { Ref: logicalId(stack.findings.bus.node.defaultChild) },
          [ENV.alertTopicArn]: { Ref: logicalId(stack.alertTopic.topic.node.defaultChild) },
          [ENV.configPrefix]: DEFAULT_CONFIG_PREFIX,
        }),
      },
      Timeout: 900,
    });
  });
});

describe('posture checks: parameters', () => {
  it('creates each check mode, threshold and baseline at its CIS default, gated by an allowed pattern', () => {
    for (const p of postureParameters(DEFAULT_CONFIG_PREFIX)) {
      template.hasResourceProperties('AWS::SSM::Parameter', {
        Name: p.name,
        Type: p.type,
        Value: p.value,
        AllowedPattern: p.allowedPattern,
        Description: Match.stringLikeRegexp('Allowed values'),
      });
    }
  });
});

describe('posture checks: the postureSchedule context', () => {
  it('deploys nothing of the posture checks when off', () => {
    // Act
    const off = synth({ context: { postureSchedule: 'off' } });
    // Assess
    expect(off.stack.posture).toBeUndefined();
    expect(JSON.stringify(off.template.findResources('AWS::S3::Bucket'))).not.toContain('ExpireOldReports');
    expect(JSON.stringify(off.template.findResources('AWS::Lambda::Function'))).not.toContain(
      'trailguard-posture',
    );
    expect(
      Object.values(off.template.findResources('AWS::SSM::Parameter')).filter((r) =>
        String(r.Properties.Name).includes('/rules/posture.'),
      ),
    ).toEqual([]);
  });

  it('takes an EventBridge expression as it is', () => {
    synth({ context: { postureSchedule: 'rate(12 hours)' } }).template.hasResourceProperties(
      'AWS::Events::Rule',
      {
        ScheduleExpression: 'rate(12 hours)',
      },
    );
  });

  it('rejects anything else, saying what it accepts', () => {
    expect(() => synth({ context: { postureSchedule: 'weekly' } })).toThrow(
      /postureSchedule "weekly" must be off, daily, or an EventBridge expression/,
    );
    expect(() => synth({ context: { postureSchedule: 'cron(0 6 * * *)' } })).toThrow(/six fields/);
  });
});
