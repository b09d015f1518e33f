import type { App, CfnElement } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { deliveryPatterns } from '../../lambdas/engine/pattern/compile';
import { ACTION_IDS, RULE_MODES } from '../../lambdas/engine/types';
import { postureParameters } from '../../lambdas/posture/settings';
import { catalog } from '../../lambdas/rules';
import {
  DEFAULT_CONFIG_PREFIX,
  DETAIL_TYPE,
  ENV,
  FINDING_SOURCE,
  ssmNames,
  TABLES,
} from '../../lambdas/shared/contract';
import type { ConfigParameters } from '../../lib/constructs/config-parameters';
import { REMEDIATOR_IAM_WRITE_ACTIONS } from '../../lib/constructs/remediator-access';
import { TrailGuardFunction } from '../../lib/constructs/trailguard-function';
import type { TrailGuardStack } from '../../lib/trailguard-stack';
import {
  allIdentityStatements,
  asArray,
  loadHandlerOfBundle,
  roleStatements,
  type Statement,
  synth,
} from './synth';

let app: App;
let stack: TrailGuardStack;
let template: Template;
const logicalId = (element: unknown): string => stack.resolve(stack.getLogicalId(element as CfnElement));
const roleId = (fn: TrailGuardFunction) => logicalId(fn.role.node.defaultChild);
const actionsOf = (statement: Statement) => asArray(statement.Action);
const keyArn = () => ({ 'Fn::GetAtt': [logicalId(stack.key.node.defaultChild), 'Arn'] });
const functions = () => ({ analyzer: stack.analyzer, alerter: stack.alerter, remediator: stack.remediator });

beforeAll(() => {
  // The one synthesis of this file that runs esbuild: a handler that does not bundle fails here.
  ({ app, stack, template } = synth({ bundle: true }));
}, 120_000);

describe('functions', () => {
  it('bundles each handler into a file that loads on its own, as Lambda runs it, and exports handler', () => {
    // Prepare: the project is ESM while bundles are CommonJS; outside the repo no package.json says otherwise,
    // exactly as in the deployment zip.
    const assetDir = app.synth().directory;
    const fns = template.findResources('AWS::Lambda::Function');
    const env: Record<string, string> = Object.fromEntries(Object.values(ENV).map((name) => [name, 'x']));
    env[ENV.quarantinePolicyArn] = 'arn:aws:iam::123456789012:policy/q';
    env[ENV.configCacheSeconds] = '60';
    env[ENV.pollerRegions] = 'eu-west-1';
    env[ENV.pollerBackfillHours] = '0';
    for (const [id, fn] of Object.entries(fns)) {
      // Act
      const run = loadHandlerOfBundle(assetDir, fn, env);
      // Assess
      expect(run.stdout, `${id}: ${run.stderr}`).toBe('function');
    }
  });

  it('runs every function on Node.js 22 / arm64 with explicit timeout, memory, tracing and its own log group', () => {
    // Prepare
    const fns = template.findResources('AWS::Lambda::Function');
    // Assess
    // Every Lambda function of the stack is a TrailGuardFunction.
    expect(Object.keys(fns)).toHaveLength(
      stack.node.findAll().filter((c) => c instanceof TrailGuardFunction).length,
    );
    template.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Timeout: Match.anyValue(),
      MemorySize: Match.anyValue(),
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogGroup: { Ref: Match.anyValue() } },
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: Match.stringLikeRegexp('^trailguard-'),
          POWERTOOLS_LOG_LEVEL: 'INFO',
          [ENV.stackName]: 'TrailGuard',
        }),
      },
    });
    const logGroups = template.findResources('AWS::Logs::LogGroup');
    for (const fn of Object.values(fns)) {
      const group = logGroups[fn.Properties.LoggingConfig.LogGroup.Ref];
      expect(group?.Properties).toMatchObject({ RetentionInDays: 365, KmsKeyId: keyArn() });
    }
  });

  it('feeds every function from its queue in batches with partial batch responses', () => {
    // Assess
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 3);
    template.allResourcesProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId(stack.remediator.function.node.defaultChild) },
      BatchSize: 1,
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });

  it('gives each queue a visibility timeout of at least six times its consumer timeout', () => {
    // Prepare
    const queues = template.findResources('AWS::SQS::Queue');
    const fns = template.findResources('AWS::Lambda::Function');
    // Act / Assess
    for (const mapping of Object.values(template.findResources('AWS::Lambda::EventSourceMapping'))) {
      const queue = queues[mapping.Properties.EventSourceArn['Fn::GetAtt'][0]];
      const fn = fns[mapping.Properties.FunctionName.Ref];
      expect(queue?.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * fn?.Properties.Timeout);
    }
  });

  it('binds each function to exactly the configuration its code reads', () => {
    // Prepare
    const env = (fn: TrailGuardFunction) =>
      template.findResources('AWS::Lambda::Function')[logicalId(fn.function.node.defaultChild)]?.Properties
        .Environment.Variables;
    // Assess
    expect(Object.keys(env(stack.analyzer))).toEqual(
      expect.arrayContaining([ENV.stateTable, ENV.findingsBus, ENV.configPrefix, ENV.configCacheSeconds]),
    );
    expect(env(stack.analyzer)).not.toHaveProperty(ENV.alertTopicArn);
    expect(Object.keys(env(stack.alerter))).toEqual(
      expect.arrayContaining([ENV.alertTopicArn, ENV.stateTable, ENV.configPrefix, ENV.quarantinePolicyArn]),
    );
    expect(Object.keys(env(stack.remediator))).toEqual(
      expect.arrayContaining([
        ENV.auditTable,
        ENV.stateTable,
        ENV.findingsBus,
        ENV.configPrefix,
        ENV.quarantinePolicyArn,
        ENV.stackName,
      ]),
    );
    expect(env(stack.analyzer)[ENV.configPrefix]).toBe(DEFAULT_CONFIG_PREFIX);
  });
});

describe('queues', () => {
  it('encrypts every queue with the customer managed key and gives every work queue a DLQ', () => {
    // Prepare
    const queues = Object.entries(template.findResources('AWS::SQS::Queue'));
    const work = queues.filter(([, queue]) => queue.Properties.RedrivePolicy !== undefined);
    // Assess
    // Three work queues with their DLQs, and the poller's dead-letter queue (its failed runs).
    // ... including the posture checks' failure queue, which is itself a dead-letter queue.
    expect(queues).toHaveLength(8);
    expect(work).toHaveLength(3);
    for (const [, queue] of queues) {
      expect(queue.Properties.KmsMasterKeyId).toEqual(keyArn());
    }
    for (const [, queue] of work) {
      expect(queue.Properties.RedrivePolicy.maxReceiveCount).toBe(5);
      const dlq = queues.find(
        ([id]) => id === queue.Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0],
      );
      expect(dlq?.[1].Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    }
  });

  it('denies every non-TLS request on every queue', () => {
    // Prepare
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy'));
    const covered = new Set(
      policies.flatMap((policy) => policy.Properties.Queues.map((q: { Ref: string }) => q.Ref)),
    );
    // Assess
    expect([...covered].sort()).toEqual(Object.keys(template.findResources('AWS::SQS::Queue')).sort());
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: 'sqs:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });

  it('lets EventBridge send only from the rules that target each queue', () => {
    // Assess
    for (const policy of Object.values(template.findResources('AWS::SQS::QueuePolicy'))) {
      const allows = asArray(policy.Properties.PolicyDocument.Statement as Statement[]).filter(
        (s) => s.Effect === 'Allow',
      );
      for (const allow of allows) {
        expect(allow).toMatchObject({
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Condition: { ArnEquals: { 'aws:SourceArn': expect.any(Array) } },
        });
      }
    }
  });

  it('lets EventBridge use the key for the encrypted queues, for this account only', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'events.amazonaws.com' },
            Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
  });
});

describe('event routing', () => {
  it('covers every catalog rule with default-bus rules whose patterns fit in 2048 characters', () => {
    // Prepare
    const rules = Object.values(template.findResources('AWS::Events::Rule')).filter(
      (rule) =>
        rule.Properties.EventBusName === undefined &&
        // Scheduled rules (poller, posture checks) match no events.
        rule.Properties.ScheduleExpression === undefined &&
        // The heartbeat rule (test/infra/monitoring-alarms.test.ts) is not a detection group.
        !String(rule.Properties.Description).startsWith('TrailGuard heartbeat'),
    );
    const analyzerQueue = logicalId(
      stack.node.findChild('AnalyzerQueue').node.findChild('Queue').node.defaultChild,
    );
    // Assess
    expect(rules).toHaveLength(stack.detections.groups.length);
    // Sequence rules are delivered twice: their second step under the rule id, their first as `<id>/first`.
    expect(new Set(stack.detections.groups.flatMap((group) => group.ruleIds))).toEqual(
      new Set(deliveryPatterns(catalog).map((entry) => entry.id)),
    );
    expect(catalog.some((rule) => rule.sequence)).toBe(true);
    for (const group of stack.detections.groups) {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventBusName: Match.absent(),
        EventPattern: Match.objectEquals(group.pattern as Record<string, unknown>),
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [analyzerQueue, 'Arn'] },
            DeadLetterConfig: Match.anyValue(),
          }),
        ],
      });
    }
    for (const rule of rules) {
      expect(JSON.stringify(rule.Properties.EventPattern).length).toBeLessThanOrEqual(2048);
      expect(rule.Properties.EventPattern['detail-type']).toBeDefined();
    }
  });

  it('routes findings and outcomes to the alerter, findings to the remediator', () => {
    // Prepare
    const bus = { Ref: logicalId(stack.findings.bus.node.defaultChild) };
    const queueArn = (id: string) => ({
      'Fn::GetAtt': [logicalId(stack.node.findChild(id).node.findChild('Queue').node.defaultChild), 'Arn'],
    });
    // Assess
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: bus,
      EventPattern: {
        source: [FINDING_SOURCE],
        'detail-type': [DETAIL_TYPE.finding, DETAIL_TYPE.remediationOutcome],
      },
      Targets: [Match.objectLike({ Arn: queueArn('AlerterQueue') })],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: bus,
      EventPattern: { source: [FINDING_SOURCE], 'detail-type': [DETAIL_TYPE.finding] },
      Targets: [Match.objectLike({ Arn: queueArn('RemediatorQueue') })],
    });
  });

  it('denies putting events on the findings bus to everyone but the analyzer and remediator', () => {
    template.hasResourceProperties('AWS::Events::EventBusPolicy', {
      Statement: Match.objectLike({
        Effect: 'Deny',
        Action: 'events:PutEvents',
        Condition: {
          ArnNotEquals: {
            'aws:PrincipalArn': [
              { 'Fn::GetAtt': [roleId(stack.analyzer), 'Arn'] },
              { 'Fn::GetAtt': [roleId(stack.remediator), 'Arn'] },
              // The posture checks raise findings too (test/infra/posture-stack.test.ts).
              { 'Fn::GetAtt': [roleId(stack.posture?.function as TrailGuardFunction), 'Arn'] },
            ],
          },
        },
      }),
    });
  });
});

describe('storage and alerting', () => {
  it('keeps engine state in an encrypted, on-demand table with PITR and TTL', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: TABLES.state.partitionKey, KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: TABLES.state.ttlAttribute, Enabled: true },
    });
  });

  it('retains the encrypted audit table, with PITR, when the stack is deleted', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: [
          { AttributeName: TABLES.audit.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLES.audit.sortKey, KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        DeletionProtectionEnabled: true,
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
    });
  });

  it('encrypts the alert topic and denies non-TLS publishing', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('alarms on the alert and escalation topics when a dead-letter queue holds a message', () => {
    // The work queues' dead-letter alarms; Monitoring's alarms are tested in test/infra/monitoring-alarms.test.ts.
    const alarms = template.findResources('AWS::CloudWatch::Alarm');
    for (const queueId of ['AnalyzerQueue', 'AlerterQueue', 'RemediatorQueue']) {
      const alarm = stack.node.findChild(queueId).node.findChild('DeadLetterAlarm').node.defaultChild;
      expect(alarms[logicalId(alarm)]?.Properties).toMatchObject({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 1,
        AlarmActions: [
          { Ref: logicalId(stack.node.findChild('Alerts').node.findChild('Topic').node.defaultChild) },
          { Ref: logicalId(stack.node.findChild('Escalation').node.findChild('Topic').node.defaultChild) },
        ],
      });
    }
  });

  it('subscribes no email without the alertEmail context', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('subscribes the alertEmail context address', () => {
    // Act
    const withEmail = synth({ context: { alertEmail: 'security@example.com' } }).template;
    // Assess
    withEmail.resourceCountIs('AWS::SNS::Subscription', 1);
    withEmail.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'security@example.com',
    });
  });

  it('rejects an alertEmail that is not an email address, saying how to pass one', () => {
    expect(() => synth({ context: { alertEmail: 'not-an-email' } })).toThrow(
      /alertEmail "not-an-email" does not look like an email address; pass one with: npx cdk deploy -c alertEmail=/,
    );
  });

  it('rejects a configPrefix that is not an SSM path', () => {
    expect(() => synth({ context: { configPrefix: 'trailguard/' } })).toThrow(
      /configPrefix "trailguard\/" must be an SSM path/,
    );
  });
});

describe('configuration parameters', () => {
  it('creates a mode parameter per rule with its default and allowed values', () => {
    for (const rule of catalog) {
      template.hasResourceProperties('AWS::SSM::Parameter', {
        Name: ssmNames.ruleMode(DEFAULT_CONFIG_PREFIX, rule.id),
        Type: 'String',
        Value: rule.defaultMode,
        AllowedPattern: `^(${RULE_MODES.join('|')})$`,
        Description: Match.stringLikeRegexp('Allowed values: off \\| alert \\| dry-run \\| enforce'),
      });
    }
  });

  it('creates threshold and window parameters for every threshold rule', () => {
    // Prepare
    const thresholdRules = catalog.filter((rule) => rule.threshold !== undefined);
    // Assess
    expect(thresholdRules.length).toBeGreaterThan(0);
    for (const rule of thresholdRules) {
      template.hasResourceProperties('AWS::SSM::Parameter', {
        Name: ssmNames.ruleThreshold(DEFAULT_CONFIG_PREFIX, rule.id),
        Value: String(rule.threshold?.count),
        Description: Match.stringLikeRegexp('Allowed values'),
      });
      template.hasResourceProperties('AWS::SSM::Parameter', {
        Name: ssmNames.ruleWindowSeconds(DEFAULT_CONFIG_PREFIX, rule.id),
        Value: String(rule.threshold?.windowSeconds),
        Description: Match.stringLikeRegexp('Allowed values'),
      });
    }
    // Kill switch, protected principals, and the two alerting settings.
    // ... and the remediation limit and one on/off switch per remediation action.
    // ... and the heartbeat and the deployment manifest (Monitoring).
    // ... and the posture checks' modes, thresholds and baseline (test/infra/posture-stack.test.ts).
    // Sequence rules have a window parameter too.
    const sequenceRules = catalog.filter((rule) => rule.sequence !== undefined);
    for (const rule of sequenceRules) {
      template.hasResourceProperties('AWS::SSM::Parameter', {
        Name: ssmNames.ruleWindowSeconds(DEFAULT_CONFIG_PREFIX, rule.id),
        Value: String(rule.sequence?.withinSeconds),
      });
    }
    const expected =
      4 +
      catalog.length +
      2 * thresholdRules.length +
      sequenceRules.length +
      2 +
      postureParameters(DEFAULT_CONFIG_PREFIX).length +
      1 +
      ACTION_IDS.length;
    template.resourceCountIs('AWS::SSM::Parameter', expected);
  });

  it('starts with the kill switch off and the account root as the only protected principal', () => {
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: ssmNames.killSwitch(DEFAULT_CONFIG_PREFIX),
      Value: 'off',
      AllowedPattern: '^(on|off)$',
    });
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: ssmNames.protectedPrincipals(DEFAULT_CONFIG_PREFIX),
      Type: 'StringList',
      Value: {
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']],
      },
    });
  });

  it('creates no trusted accounts or networks list without -c trustedAccounts / -c trustedNetworks', () => {
    // Prepare: operators may create them by hand; a stack-owned parameter would overwrite or delete theirs.
    const names = Object.values(template.findResources('AWS::SSM::Parameter')).map((p) => p.Properties.Name);
    // Assess
    expect(names).not.toContain(ssmNames.trustedAccounts(DEFAULT_CONFIG_PREFIX));
    expect(names).not.toContain(ssmNames.trustedNetworks(DEFAULT_CONFIG_PREFIX));
    const config = stack.node.findChild('Config') as ConfigParameters;
    expect(config.trustedAccounts).toBeUndefined();
    expect(config.trustedNetworks).toBeUndefined();
  });

  it('honours the configPrefix context in parameter names and the functions', () => {
    // Act
    const custom = synth({ context: { configPrefix: '/security/trailguard' } }).template;
    // Assess
    custom.hasResourceProperties('AWS::SSM::Parameter', { Name: '/security/trailguard/kill-switch' });
    // Every function but the poller, which reads no configuration.
    for (const [id, fn] of Object.entries(custom.findResources('AWS::Lambda::Function'))) {
      if (id.startsWith('PollerFunction')) continue;
      expect(fn.Properties.Environment.Variables[ENV.configPrefix], id).toBe('/security/trailguard');
    }
  });
});

describe('IAM', () => {
  const forbiddenForAnalyzer = /^(iam|ec2|cloudtrail):/;

  it('gives the analyzer no IAM, EC2 or CloudTrail action at all', () => {
    // Prepare
    const actions = roleStatements(template, roleId(stack.analyzer)).flatMap(actionsOf);
    // Assess
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((action) => forbiddenForAnalyzer.test(action))).toEqual([]);
    expect(actions).toContain('events:PutEvents');
    expect(actions).toContain('ssm:GetParametersByPath');
  });

  it('gives the alerter sns:Publish on the topics and nothing in IAM, EC2 or CloudTrail', () => {
    // Prepare
    const statements = roleStatements(template, roleId(stack.alerter));
    const topic = {
      Ref: logicalId(stack.node.findChild('Alerts').node.findChild('Topic').node.defaultChild),
    };
    // Assess
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Allow', Action: 'sns:Publish', Resource: topic }),
    );
    expect(statements.flatMap(actionsOf).filter((action) => forbiddenForAnalyzer.test(action))).toEqual([]);
    expect(statements.flatMap(actionsOf)).not.toContain('events:PutEvents');
    // It reads the alerting settings only (test/infra/alerting-stack.test.ts checks the resources).
    expect(
      statements
        .flatMap(actionsOf)
        .filter((action) => action.startsWith('ssm:'))
        .sort(),
    ).toEqual(['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath']);
  });

  it('puts events on the findings bus only', () => {
    // Prepare
    const bus = { 'Fn::GetAtt': [logicalId(stack.findings.bus.node.defaultChild), 'Arn'] };
    // Assess
    for (const fn of Object.values(functions())) {
      for (const statement of roleStatements(template, roleId(fn))) {
        if (actionsOf(statement).includes('events:PutEvents')) expect(statement.Resource).toEqual(bus);
      }
    }
  });

  it('reads SSM parameters under the configuration prefix only', () => {
    for (const fn of [stack.analyzer, stack.remediator]) {
      const ssm = roleStatements(template, roleId(fn)).filter((s) =>
        actionsOf(s).some((a) => a.startsWith('ssm:')),
      );
      expect(ssm).toHaveLength(1);
      expect(JSON.stringify(ssm[0]?.Resource)).toMatch(
        /:parameter\/trailguard"\]\]\},\{"Fn::Join".*:parameter\/trailguard\/\*"/,
      );
    }
  });

  it('lets the remediator attach only the quarantine policy, and detach only it or AdministratorAccess', () => {
    // Prepare
    const statements = roleStatements(template, roleId(stack.remediator));
    const quarantine = {
      Ref: logicalId(stack.node.findChild('Quarantine').node.findChild('Policy').node.defaultChild),
    };
    const administratorAccess = {
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AdministratorAccess']],
    };
    const attachDetach = statements.filter(
      (s) =>
        s.Effect === 'Allow' &&
        actionsOf(s).some((a) => /^iam:(Attach|Detach)(User|Role|Group)Policy$/.test(a)),
    );
    // Assess
    const onlyQuarantine = { ArnEquals: { 'iam:PolicyARN': quarantine } };
    const onlyAdministratorAccess = { ArnEquals: { 'iam:PolicyARN': administratorAccess } };
    for (const statement of attachDetach) {
      const attaches = actionsOf(statement).some((a) => a.startsWith('iam:Attach'));
      const allowed = attaches ? [onlyQuarantine] : [onlyQuarantine, onlyAdministratorAccess];
      expect(allowed).toContainEqual(statement.Condition);
    }
    expect(
      attachDetach
        .flatMap(actionsOf)
        .filter((a) => a.startsWith('iam:Attach'))
        .sort(),
    ).toEqual(['iam:AttachRolePolicy', 'iam:AttachUserPolicy']);
  });

  it('grants the remediator exactly its documented actions', () => {
    // Prepare
    const allowed = roleStatements(template, roleId(stack.remediator))
      .filter((s) => s.Effect === 'Allow')
      .flatMap(actionsOf)
      .filter((a) => /^(iam|cloudtrail|ec2|s3):/.test(a));
    // Assess
    expect([...new Set(allowed)].sort()).toEqual(
      [
        'iam:UpdateAccessKey',
        'iam:ListAccessKeys',
        'iam:GetUser',
        'iam:GetRole',
        'iam:ListRoleTags',
        'iam:ListUserTags',
        'iam:ListAttachedUserPolicies',
        'iam:ListAttachedRolePolicies',
        'iam:AttachUserPolicy',
        'iam:AttachRolePolicy',
        'iam:DetachUserPolicy',
        'iam:DetachRolePolicy',
        'cloudtrail:StartLogging',
        'cloudtrail:GetTrailStatus',
        'cloudtrail:DescribeTrails',
        // Issue #5: revert, revoke sessions, restore trust, resource actions (test/infra/remediator-access.test.ts).
        'iam:GetLoginProfile',
        'iam:GetRolePolicy',
        'iam:GetGroup',
        'iam:ListAttachedGroupPolicies',
        'iam:DetachGroupPolicy',
        'iam:PutRolePolicy',
        'iam:DeleteLoginProfile',
        'iam:UpdateAssumeRolePolicy',
        'cloudtrail:LookupEvents',
        'ec2:RevokeSecurityGroupIngress',
        'ec2:ModifySnapshotAttribute',
        'ec2:ModifyImageAttribute',
        'ec2:DescribeSecurityGroupRules',
        'ec2:DescribeSnapshotAttribute',
        'ec2:DescribeImageAttribute',
        's3:GetBucketPublicAccessBlock',
        's3:PutBucketPublicAccessBlock',
      ].sort(),
    );
  });

  it("denies the remediator's IAM writes on TrailGuard's own roles and the deployment roles", () => {
    // Prepare
    const deny = roleStatements(template, roleId(stack.remediator)).find((s) => s.Effect === 'Deny');
    const resources = JSON.stringify(deny?.Resource);
    // Assess
    expect(actionsOf(deny as Statement).sort()).toEqual([...REMEDIATOR_IAM_WRITE_ACTIONS].sort());
    for (const fn of Object.values(functions())) {
      expect(deny?.Resource).toContainEqual({ 'Fn::GetAtt': [roleId(fn), 'Arn'] });
    }
    expect(resources).toContain(':role/TrailGuard-*');
    expect(resources).toContain(':role/cdk-hnb659fds-*');
    expect(resources).toContain(':role/AWSCloudFormationStackSetExecutionRole');
  });

  it('has no identity policy that allows a wildcard action', () => {
    // Prepare
    const wildcards = allIdentityStatements(template)
      .filter((s) => s.Effect === 'Allow')
      .flatMap(actionsOf)
      .filter((action) => action.includes('*'));
    // Assess
    expect(wildcards).toEqual([]);
  });

  it('allows a wildcard action in resource policies only for the account administering its own key', () => {
    // Prepare
    const resourcePolicies = [
      ...Object.values(template.findResources('AWS::KMS::Key')).map((r) => r.Properties.KeyPolicy),
      ...Object.values(template.findResources('AWS::SQS::QueuePolicy')).map(
        (r) => r.Properties.PolicyDocument,
      ),
      ...Object.values(template.findResources('AWS::SNS::TopicPolicy')).map(
        (r) => r.Properties.PolicyDocument,
      ),
    ];
    const wildcardAllows = resourcePolicies
      .flatMap((doc) => asArray(doc.Statement as Statement[]))
      .filter((s) => s.Effect === 'Allow' && actionsOf(s).some((a) => a.includes('*')));
    // Assess
    expect(wildcardAllows).toEqual([
      expect.objectContaining({
        Action: 'kms:*',
        Principal: {
          AWS: {
            'Fn::Join': [
              '',
              ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root'],
            ],
          },
        },
      }),
    ]);
  });

  it('allows "*" resources only where the API has no resource-level permissions', () => {
    // Prepare
    const onStar = Object.values(functions())
      .flatMap((fn) => roleStatements(template, roleId(fn)))
      .filter((s) => s.Effect === 'Allow' && asArray(s.Resource).includes('*'))
      .flatMap(actionsOf);
    // Assess
    expect([...new Set(onStar)].sort()).toEqual([
      'cloudtrail:DescribeTrails',
      'cloudtrail:LookupEvents',
      'ec2:DescribeImageAttribute',
      'ec2:DescribeSecurityGroupRules',
      'ec2:DescribeSnapshotAttribute',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
  });

  it('quarantines with a deny-all managed policy named after the stack', () => {
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      ManagedPolicyName: { 'Fn::Join': ['', ['TrailGuard-', { Ref: 'AWS::Region' }, '-Quarantine']] },
      Description: Match.stringLikeRegexp('detach'),
      PolicyDocument: {
        Statement: [{ Sid: 'QuarantineDenyAll', Effect: 'Deny', Action: '*', Resource: '*' }],
      },
    });
  });
});

describe('outputs', () => {
  it('exports what operators and the CLI need', () => {
    const outputs = Object.keys(template.findOutputs('*'));
    expect(outputs.sort()).toEqual(
      [
        'AlertTopicArn',
        'EscalationTopicArn',
        'FindingsBusName',
        'AnalyzerQueueUrl',
        'AnalyzerDlqUrl',
        'AlerterDlqUrl',
        'RemediatorDlqUrl',
        'StateTableName',
        'AuditTableName',
        'QuarantinePolicyArn',
        'ConfigPrefix',
        'PollerDlqUrl',
        'DashboardName',
        'PostureReportsBucket',
      ].sort(),
    );
  });
});
