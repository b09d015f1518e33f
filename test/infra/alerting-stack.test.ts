import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App, CfnElement } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ALERTING } from '../../lambdas/config/runtime-config';
import { DEFAULT_CONFIG_PREFIX, ENV, ssmNames } from '../../lambdas/shared/contract';
import type { TrailGuardFunction } from '../../lib/constructs/trailguard-function';
import type { TrailGuardStack } from '../../lib/trailguard-stack';
import { asArray, loadHandlerOfBundle, roleStatements, type Statement, synth } from './synth';

/** Every alerting option at once, as `npx cdk deploy -c ...` would pass them. */
const OPTIONS = {
  alertEmail: 'secops@example.com',
  alertMinSeverity: 'medium',
  escalationEmail: 'pager@example.com',
  accountAlias: 'prod-payments',
  dailySummary: 'true',
};

let app: App;
let stack: TrailGuardStack;
let template: Template;
const logicalId = (element: IConstruct | undefined): string =>
  stack.resolve(stack.getLogicalId(element as CfnElement));
const ref = (construct: IConstruct | undefined) => ({ Ref: logicalId(construct) });
const roleOf = (fn: TrailGuardFunction) => logicalId(fn.role.node.defaultChild);
const actionsOf = (s: Statement) => asArray(s.Action);
const envOf = (fn: TrailGuardFunction): Record<string, unknown> =>
  template.findResources('AWS::Lambda::Function')[logicalId(fn.function.node.defaultChild)]?.Properties
    .Environment.Variables;

beforeAll(() => {
  ({ app, stack, template } = synth({ bundle: true, context: OPTIONS }));
}, 180_000);

describe('alerting options of the stack', () => {
  it('subscribes the alert email with a filter policy for medium and above plus the daily summary', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'secops@example.com',
      TopicArn: ref(stack.alertTopic.topic.node.defaultChild),
      FilterPolicyScope: 'MessageAttributes',
      FilterPolicy: { $or: [{ severity: ['medium', 'high', 'critical'] }, { action: ['daily-summary'] }] },
    });
  });

  it('creates an encrypted, TLS-only escalation topic with its own unfiltered email subscription and output', () => {
    // Prepare
    const topic = stack.escalationTopic.topic;
    // Assess
    template.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: 'TrailGuard escalations',
      KmsMasterKeyId: { 'Fn::GetAtt': [logicalId(stack.key.node.defaultChild), 'Arn'] },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [ref(topic.node.defaultChild)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'pager@example.com',
      TopicArn: ref(topic.node.defaultChild),
      FilterPolicy: Match.absent(),
    });
    expect(template.findOutputs('EscalationTopicArn').EscalationTopicArn?.Value).toEqual(
      ref(topic.node.defaultChild),
    );
  });

  it('lets the alerter publish to the two topics, send only to its own queue and read only the alerting settings', () => {
    // Prepare
    const statements = roleStatements(template, roleOf(stack.alerter));
    const publish = statements.filter((s) => actionsOf(s).includes('sns:Publish'));
    const send = statements.filter((s) => actionsOf(s).includes('sqs:SendMessage'));
    const ssm = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('ssm:')));
    const alerterQueue = stack.node.findChild('AlerterQueue').node.findChild('Queue').node.defaultChild;
    // Assess
    expect(publish.map((s) => s.Resource)).toEqual([
      ref(stack.alertTopic.topic.node.defaultChild),
      ref(stack.escalationTopic.topic.node.defaultChild),
    ]);
    expect(send).toEqual([
      expect.objectContaining({ Resource: { 'Fn::GetAtt': [logicalId(alerterQueue), 'Arn'] } }),
    ]);
    expect(ssm).toHaveLength(1);
    const resources = JSON.stringify(ssm[0]?.Resource);
    expect(resources).toContain(':parameter/trailguard/alerting"');
    expect(resources).toContain(':parameter/trailguard/alerting/*"');
    expect(resources).not.toMatch(/:parameter\/trailguard(\/\*)?"/);
    expect(envOf(stack.alerter)).toMatchObject({
      [ENV.configPrefix]: DEFAULT_CONFIG_PREFIX,
      [ENV.escalationTopicArn]: ref(stack.escalationTopic.topic.node.defaultChild),
      [ENV.alerterQueueUrl]: ref(alerterQueue),
      [ENV.accountAlias]: { 'Fn::Join': ['', [{ Ref: 'AWS::AccountId' }, '=prod-payments']] },
    });
  });

  it('creates the alerting settings in SSM with their defaults and allowed values', () => {
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: ssmNames.escalationMinSeverity(DEFAULT_CONFIG_PREFIX),
      Value: DEFAULT_ALERTING.escalationMinSeverity,
      AllowedPattern: '^(info|low|medium|high|critical)$',
      Description: Match.stringLikeRegexp('Allowed values: info \\| low \\| medium \\| high \\| critical'),
    });
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: ssmNames.aggregationWindowSeconds(DEFAULT_CONFIG_PREFIX),
      Value: String(DEFAULT_ALERTING.aggregationWindowSeconds),
      AllowedPattern: '^[0-9]{1,9}$',
      Description: Match.stringLikeRegexp('a whole number from 0 \\(off\\) to 86400'),
    });
  });

  it('runs the daily summary at 00:15 UTC through an encrypted queue with a dead-letter queue', () => {
    // Prepare
    const summary = stack.dailySummary;
    if (!summary) throw new Error('dailySummary=true created no summary');
    const queue = summary.queue;
    // Assess
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(15 0 * * ? *)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalId(queue.queue.node.defaultChild), 'Arn'] },
          DeadLetterConfig: {
            Arn: { 'Fn::GetAtt': [logicalId(queue.deadLetterQueue.node.defaultChild), 'Arn'] },
          },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: ref(summary.function.function.node.defaultChild),
      EventSourceArn: { 'Fn::GetAtt': [logicalId(queue.queue.node.defaultChild), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalId(queue.deadLetterQueue.node.defaultChild), 'QueueName'] },
        },
      ],
      AlarmActions: [
        ref(stack.alertTopic.topic.node.defaultChild),
        ref(stack.escalationTopic.topic.node.defaultChild),
      ],
    });
  });

  it('gives the summary only Scan on the audit table, its marks in the state table and publish on the alert topic', () => {
    // Prepare
    const summary = stack.dailySummary as NonNullable<TrailGuardStack['dailySummary']>;
    const statements = roleStatements(template, roleOf(summary.function));
    const audit = stack.node.findChild('Audit').node.findChild('Table').node.defaultChild;
    const onAudit = statements.filter((s) =>
      asArray(s.Resource).some((r) => JSON.stringify(r).includes(logicalId(audit))),
    );
    // Assess
    expect(onAudit.flatMap(actionsOf)).toEqual(['dynamodb:Scan']);
    expect(statements.filter((s) => actionsOf(s).includes('sns:Publish')).map((s) => s.Resource)).toEqual([
      ref(stack.alertTopic.topic.node.defaultChild),
    ]);
    const actions = statements.flatMap(actionsOf);
    expect(actions.filter((a) => /^(iam|ec2|cloudtrail|ssm|events):/.test(a))).toEqual([]);
    expect(envOf(summary.function)).toMatchObject({
      [ENV.alertTopicArn]: ref(stack.alertTopic.topic.node.defaultChild),
      [ENV.auditTable]: ref(audit),
    });
  });

  it('bundles the alerter and the summary into files that load on their own with these options', () => {
    // Prepare
    const assetDir = app.synth().directory;
    const fns = template.findResources('AWS::Lambda::Function');
    const env: Record<string, string> = Object.fromEntries(Object.values(ENV).map((name) => [name, 'x']));
    Object.assign(env, {
      [ENV.quarantinePolicyArn]: 'arn:aws:iam::123456789012:policy/q',
      [ENV.configCacheSeconds]: '60',
      [ENV.configPrefix]: '/trailguard',
      [ENV.accountAlias]: '123456789012=prod-payments',
    });
    const wanted = [stack.alerter, stack.dailySummary?.function].map((fn) =>
      logicalId(fn?.function.node.defaultChild),
    );
    for (const id of wanted) {
      // Act
      const run = loadHandlerOfBundle(assetDir, fns[id], env);
      // Assess
      expect(run.stdout, `${id}: ${run.stderr}`).toBe('function');
    }
  });

  it('passes cdk-nag AwsSolutions and cfn-lint with every alerting option on', () => {
    // Act
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack);
    const dir = mkdtempSync(join(tmpdir(), 'trailguard-alerting-lint-'));
    const file = join(dir, 'TrailGuard.template.json');
    writeFileSync(file, JSON.stringify(template.toJSON(), null, 1));
    const lint = spawnSync('cfn-lint', ['--ignore-checks', 'W3005', '--', file], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    rmSync(dir, { recursive: true, force: true });
    // Assess
    expect(
      report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath}`)),
    ).toEqual([]);
    expect(lint.status, `${lint.stdout}${lint.stderr}`).toBe(0);
  });
});

describe('alerting options are validated with a message that says how to fix them', () => {
  it.each([
    [
      { alertEmail: 'a@example.com', alertMinSeverity: 'urgent' },
      /alertMinSeverity "urgent" is not a severity; use one of info, low, medium, high, critical/,
    ],
    [
      { alertMinSeverity: 'high' },
      /alertMinSeverity filters the alertEmail subscription; pass -c alertEmail=/,
    ],
    [
      { escalationEmail: 'pager' },
      /escalationEmail "pager" does not look like an email address; pass one with: npx cdk deploy -c escalationEmail=/,
    ],
    [{ accountAlias: 'Prod_Payments' }, /accountAlias "Prod_Payments" is not an IAM account alias/],
    [{ accountAlias: '1234=prod' }, /accountAlias entry "1234=prod" must be a 12-digit account id = alias/],
    [{ dailySummary: 'yes' }, /context "dailySummary" must be true or false, got "yes"/],
  ])('rejects %j', (context, message) => {
    expect(() => synth({ context })).toThrow(message);
  });

  it('passes account=alias pairs through for findings from several accounts', () => {
    // Act
    const { stack: s, template: t } = synth({
      context: { accountAlias: '111122223333=prod-payments,444455556666=staging' },
    });
    // Assess
    const env =
      t.findResources('AWS::Lambda::Function')[
        s.resolve(s.getLogicalId(s.alerter.function.node.defaultChild as CfnElement))
      ]?.Properties.Environment.Variables;
    expect(env[ENV.accountAlias]).toBe('111122223333=prod-payments,444455556666=staging');
    expect(s.dailySummary).toBeUndefined();
    t.resourceCountIs('AWS::SNS::Subscription', 0);
  });
});
