import type { CfnElement } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../lambdas/engine/types';
import { ACTION_ENABLED_BY_DEFAULT, MAX_ACTIONS_PER_HOUR } from '../../lambdas/remediator/action-switches';
import { DEFAULT_CONFIG_PREFIX, ENV, ssmNames } from '../../lambdas/shared/contract';
import { REMEDIATOR_IAM_WRITE_ACTIONS } from '../../lib/constructs/remediator-access';
import type { TrailGuardStack } from '../../lib/trailguard-stack';
import { asArray, roleStatements, type Statement, synth } from './synth';

let stack: TrailGuardStack;
let template: Template;
let statements: Statement[];
const logicalId = (element: unknown): string => stack.resolve(stack.getLogicalId(element as CfnElement));
const actionsOf = (statement: Statement) => asArray(statement.Action);
const bySid = (sid: string) => statements.find((s) => s.Sid === sid);
const IAM_READS = /^iam:(Get|List)/;

beforeAll(() => {
  ({ stack, template } = synth());
  statements = roleStatements(template, logicalId(stack.remediator.role.node.defaultChild));
});

describe('remediator IAM policy', () => {
  it('names every action in full: no wildcard such as iam:* or ec2:Describe*', () => {
    const actions = statements.flatMap(actionsOf);
    expect(actions.length).toBeGreaterThan(20);
    expect(actions.filter((action) => action.includes('*') || action.includes('?'))).toEqual([]);
  });

  it('explicitly denies every IAM write it is allowed on TrailGuard, CDK and CloudFormation StackSets roles', () => {
    // Prepare
    const allowedWrites = statements
      .filter((s) => s.Effect === 'Allow')
      .flatMap(actionsOf)
      .filter((a) => a.startsWith('iam:') && !IAM_READS.test(a));
    const deny = bySid('NeverTouchTrailGuardOrDeploymentRoles');
    const resources = JSON.stringify(deny?.Resource);
    // Assess
    expect(deny?.Effect).toBe('Deny');
    expect([...new Set(allowedWrites)].sort()).toEqual([...REMEDIATOR_IAM_WRITE_ACTIONS].sort());
    expect(actionsOf(deny as Statement).sort()).toEqual([...REMEDIATOR_IAM_WRITE_ACTIONS].sort());
    for (const fn of [stack.analyzer, stack.alerter, stack.remediator]) {
      expect(deny?.Resource).toContainEqual({ 'Fn::GetAtt': [logicalId(fn.role.node.defaultChild), 'Arn'] });
    }
    expect(resources).toContain(':role/TrailGuard-*');
    expect(resources).toContain(':role/cdk-hnb659fds-*');
    expect(resources).toContain(':role/AWSCloudFormationStackSetExecutionRole');
    expect(resources).toContain(':role/AWSCloudFormationStackSetAdministrationRole');
  });

  it('explicitly denies every IAM write on users and roles tagged trailguard:protected=true', () => {
    // Prepare
    const deny = bySid('NeverTouchTaggedProtectedPrincipals');
    // Assess
    expect(deny?.Effect).toBe('Deny');
    expect(actionsOf(deny as Statement).sort()).toEqual([...REMEDIATOR_IAM_WRITE_ACTIONS].sort());
    expect(JSON.stringify(deny?.Resource)).toMatch(/:user\/\*".*:role\/\*"/);
    expect(deny?.Condition).toEqual({
      StringEqualsIgnoreCase: { 'iam:ResourceTag/trailguard:protected': 'true' },
    });
  });

  it('detaches nothing but the quarantine policy and AdministratorAccess, and attaches only the quarantine policy', () => {
    // Prepare
    const detachAdmin = bySid('DetachAdministratorAccessOnly');
    const attaches = statements.filter(
      (s) => s.Effect === 'Allow' && actionsOf(s).some((a) => a.startsWith('iam:Attach')),
    );
    // Assess
    expect(actionsOf(detachAdmin as Statement).sort()).toEqual([
      'iam:DetachGroupPolicy',
      'iam:DetachRolePolicy',
      'iam:DetachUserPolicy',
    ]);
    expect(JSON.stringify(detachAdmin?.Condition)).toContain(':iam::aws:policy/AdministratorAccess');
    expect(attaches.map((s) => s.Sid).sort()).toEqual([
      'QuarantineRolesWithTheQuarantinePolicyOnly',
      'QuarantineUsersWithTheQuarantinePolicyOnly',
    ]);
  });

  it('can only remove snapshot sharing, only touch buckets of its account, and puts inline policies on roles only', () => {
    expect(bySid('UnshareSnapshotsRemoveOnly')?.Condition).toEqual({
      Null: { 'ec2:Add/group': 'true', 'ec2:Add/userId': 'true' },
    });
    expect(bySid('BlockPublicAccessOnOwnBuckets')?.Condition).toEqual({
      StringEquals: { 's3:ResourceAccount': { Ref: 'AWS::AccountId' } },
    });
    expect(JSON.stringify(bySid('RevokeRoleSessions')?.Resource)).toMatch(/:role\/\*"\]\]\}$/);
    expect(JSON.stringify(bySid('RevokeSecurityGroupIngress')?.Resource)).toContain(':security-group/*');
  });

  it('never grants what only undo needs: sharing, re-attaching admin, stopping trails, deleting policies', () => {
    const allowed = statements.filter((s) => s.Effect === 'Allow').flatMap(actionsOf);
    for (const action of [
      'cloudtrail:StopLogging',
      'iam:DeleteRolePolicy',
      'iam:CreateLoginProfile',
      'iam:DeleteAccessKey',
      'ec2:AuthorizeSecurityGroupIngress',
      's3:DeleteBucketPublicAccessBlock',
      's3:PutBucketPolicy',
    ]) {
      expect(allowed).not.toContain(action);
    }
  });
});

describe('remediator guardrail configuration', () => {
  it('gives the remediator the state table for the blast-radius counters', () => {
    const fn =
      template.findResources('AWS::Lambda::Function')[logicalId(stack.remediator.function.node.defaultChild)];
    expect(Object.keys(fn?.Properties.Environment.Variables ?? {})).toContain(ENV.stateTable);
    expect(statements.some((s) => actionsOf(s).includes('dynamodb:UpdateItem'))).toBe(true);
  });

  it('creates the hourly limit and one switch per action, with delete-login-profile off', () => {
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: ssmNames.maxActionsPerHour(DEFAULT_CONFIG_PREFIX),
      Value: String(MAX_ACTIONS_PER_HOUR.default),
    });
    for (const id of ACTION_IDS) {
      template.hasResourceProperties('AWS::SSM::Parameter', {
        Name: ssmNames.actionEnabled(DEFAULT_CONFIG_PREFIX, id),
        Value: ACTION_ENABLED_BY_DEFAULT[id] ? 'on' : 'off',
        AllowedPattern: '^(on|off)$',
      });
    }
    expect(ACTION_ENABLED_BY_DEFAULT['iam.delete-login-profile']).toBe(false);
  });
});
