import { describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../lambdas/engine/types';
import { describeShareTargets, externalShareTargets, isHumanActor } from '../../lambdas/rules/helpers';
import {
  hasRestrictingCondition,
  isPublicStatement,
  publicStatements,
} from '../../lambdas/rules/policy-document';

const OWN = '111122223333';

function event(userIdentity: Record<string, unknown>): CloudTrailRecord {
  return {
    eventTime: '2025-03-11T08:14:52Z',
    eventSource: 'lambda.amazonaws.com',
    eventName: 'UpdateFunctionCode20150331v2',
    eventID: '00000000-0000-4000-8000-000000000000',
    recipientAccountId: OWN,
    userIdentity,
  };
}

function role(name: string, arn = `arn:aws:iam::${OWN}:role/${name}`): Record<string, unknown> {
  return {
    type: 'AssumedRole',
    arn: `arn:aws:sts::${OWN}:assumed-role/${name}/session`,
    sessionContext: { sessionIssuer: { type: 'Role', userName: name, arn } },
  };
}

describe('externalShareTargets', () => {
  it('keeps "all" and other accounts, drops the own account and anything that is not an account id', () => {
    // Prepare
    const values = [
      '444455556666',
      OWN,
      'ALL',
      ' 777788889999 ',
      'bob',
      '*',
      12345678901,
      null,
      '444455556666',
    ];

    // Act
    const targets = externalShareTargets(event({ type: 'IAMUser' }), values);

    // Assess
    expect(targets).toEqual(['all', '444455556666', '777788889999']);
  });

  it('counts every account when the event names no account of its own', () => {
    const bare = { ...event({}), recipientAccountId: undefined };
    expect(externalShareTargets(bare, [OWN])).toEqual([OWN]);
  });

  it('describes the targets for people, capping long account lists', () => {
    expect(describeShareTargets(['all'])).toBe('publicly');
    expect(describeShareTargets(['all', '444455556666'])).toBe('publicly and with account 444455556666');
    expect(describeShareTargets(['1', '2', '3', '4', '5'].map((n) => n.repeat(12)))).toBe(
      'with accounts 111111111111, 222222222222, 333333333333 and 2 more',
    );
    expect(describeShareTargets([])).toBe('with another account');
  });
});

describe('isHumanActor', () => {
  it.each([
    ['an IAM user', { type: 'IAMUser', userName: 'alice' }],
    ['the root user', { type: 'Root' }],
    ['a federated user', { type: 'FederatedUser' }],
    ['an Identity Center session (by role name)', role('AWSReservedSSO_Admin_0123456789abcdef')],
    [
      'an Identity Center session (by role path)',
      role('Admin', `arn:aws:iam::${OWN}:role/aws-reserved/sso.amazonaws.com/eu-west-1/Admin`),
    ],
  ])('treats %s as a person', (_label, identity) => {
    expect(isHumanActor(event(identity))).toBe(true);
  });

  it.each([
    ['an ordinary role session (CI/CD)', role('ci-deployer')],
    ['a call made through CloudFormation', { type: 'IAMUser', invokedBy: 'cloudformation.amazonaws.com' }],
    ['an AWS service', { type: 'AWSService', invokedBy: 'lambda.amazonaws.com' }],
    ['an unknown identity type', { type: 'Unknown' }],
  ])('does not treat %s as a person', (_label, identity) => {
    expect(isHumanActor(event(identity))).toBe(false);
  });

  it('ignores the user agent, which the caller chooses', () => {
    const e = { ...event({ type: 'IAMUser' }), userAgent: 'APN/1.0 HashiCorp/1.0 Terraform/1.10.5' };
    expect(isHumanActor(e)).toBe(true);
  });
});

describe('public resource-policy statements', () => {
  const allow = (extra: Record<string, unknown>) => ({ Effect: 'Allow', Action: 's3:GetObject', ...extra });

  it.each([
    ['Principal "*"', allow({ Principal: '*' })],
    ['Principal {"AWS": "*"}', allow({ Principal: { AWS: '*' } })],
    ['"*" among other principals', allow({ Principal: { AWS: [`arn:aws:iam::${OWN}:root`, '*'] } })],
    ['any NotPrincipal', allow({ NotPrincipal: { AWS: `arn:aws:iam::${OWN}:root` } })],
    [
      'a condition that does not restrict who',
      allow({ Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } }),
    ],
    [
      'an IfExists condition',
      allow({ Principal: '*', Condition: { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-1' } } }),
    ],
    [
      'a ForAllValues condition',
      allow({ Principal: '*', Condition: { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': 'o-1' } } }),
    ],
    [
      'a wildcard org id',
      allow({ Principal: '*', Condition: { StringLike: { 'aws:PrincipalOrgID': '*' } } }),
    ],
    [
      'a /0 source range',
      allow({ Principal: '*', Condition: { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } } }),
    ],
    [
      'a negated condition',
      allow({ Principal: '*', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-1' } } }),
    ],
  ])('treats %s as public', (_label, statement) => {
    expect(isPublicStatement(statement)).toBe(true);
  });

  it.each([
    ['a Deny', { Effect: 'Deny', Principal: '*', Action: 's3:*' }],
    ['a named account', allow({ Principal: { AWS: `arn:aws:iam::${OWN}:root` } })],
    ['a service principal', allow({ Principal: { Service: 'cloudtrail.amazonaws.com' } })],
    [
      'an organization condition',
      allow({ Principal: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-1' } } }),
    ],
    [
      'a source VPC endpoint condition (any key case)',
      allow({ Principal: '*', Condition: { StringEquals: { 'AWS:SourceVpce': 'vpce-1' } } }),
    ],
    [
      'an office range',
      allow({ Principal: '*', Condition: { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24'] } } }),
    ],
    [
      'a ForAnyValue principal ARN pattern',
      allow({
        Principal: '*',
        Condition: { 'ForAnyValue:ArnLike': { 'aws:PrincipalArn': 'arn:aws:iam::*:role/Deploy*' } },
      }),
    ],
  ])('does not treat %s as public', (_label, statement) => {
    expect(isPublicStatement(statement)).toBe(false);
  });

  it('finds the public statements of a policy given as text, and none in unreadable text', () => {
    // Prepare
    const policy = {
      Statement: [
        allow({ Principal: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-1' } } }),
        allow({ Principal: '*', Action: 'sqs:SendMessage' }),
      ],
    };

    // Act / Assess
    expect(publicStatements(JSON.stringify(policy))).toEqual([policy.Statement[1]]);
    expect(publicStatements('invalid-json-policy')).toEqual([]);
    expect(publicStatements(null)).toEqual([]);
  });

  it('never throws on odd condition blocks', () => {
    for (const condition of [
      null,
      'x',
      [1],
      { StringEquals: 'x' },
      { StringEquals: { 'aws:SourceIp': [] } },
    ]) {
      expect(hasRestrictingCondition({ Condition: condition })).toBe(false);
    }
  });
});
