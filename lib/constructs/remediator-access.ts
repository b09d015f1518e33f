import { DefaultStackSynthesizer, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ENV } from '../../lambdas/shared/contract';
import type { TrailGuardFunction } from './trailguard-function';

export interface RemediatorAccessProps {
  /** The remediator function: gets the policy and `TRAILGUARD_QUARANTINE_POLICY_ARN`. */
  readonly remediator: TrailGuardFunction;
  /** The deny-all policy: the only policy the remediator may attach or detach. */
  readonly quarantinePolicy: iam.IManagedPolicy;
  /** Roles that must never be remediated, by exact ARN (TrailGuard's own function roles). */
  readonly protectedRoles: readonly iam.IRole[];
  /**
   * Qualifier of the CDK bootstrap stack whose roles (`cdk-<qualifier>-*`: deploy, file publishing,
   * CloudFormation execution, lookup) must never be remediated.
   *
   * @default - the stack synthesizer's qualifier, else `hnb659fds`
   */
  readonly bootstrapQualifier?: string;
}

/** IAM writes the remediator performs; all of them are denied on the protected roles and tagged principals. */
export const REMEDIATOR_IAM_WRITE_ACTIONS = [
  'iam:UpdateAccessKey',
  'iam:AttachUserPolicy',
  'iam:DetachUserPolicy',
  'iam:AttachRolePolicy',
  'iam:DetachRolePolicy',
  'iam:DetachGroupPolicy',
  'iam:PutRolePolicy',
  'iam:DeleteLoginProfile',
  'iam:UpdateAssumeRolePolicy',
] as const;

/** The tag that protects a user or role (also checked in code: lambdas/remediator/protection.ts). */
const PROTECTED_TAG_KEY = 'trailguard:protected';

/**
 * The remediator's permissions, in one policy of named statements, and the quarantine policy ARN it needs. Each
 * action is granted on the narrowest resource its API allows, with conditions where IAM has a key for it:
 * - read users, roles, groups, their tags, keys, login profiles and attached policies (to plan, record the
 *   before-state and check protection);
 * - disable access keys (UpdateAccessKey; never delete);
 * - attach and detach the quarantine policy, and only that policy (condition on iam:PolicyARN);
 * - detach AdministratorAccess, and only that policy, from users, roles and groups (revert an admin grant);
 * - put the revoke-sessions inline policy on roles (IAM has no condition key for an inline policy's name, so
 *   PutRolePolicy is scoped to roles only; the code writes one policy name and document);
 * - delete login profiles (the action is off unless an operator enables it) and restore trust policies
 *   (UpdateAssumeRolePolicy), reading the earlier document from the CloudTrail event history (LookupEvents);
 * - restart CloudTrail logging and read trail status;
 * - revoke security group ingress rules; remove sharing from EBS snapshots (removal only: the ec2:Add/* keys must
 *   be absent), AMIs and RDS snapshots; put S3 Block Public Access on buckets of this account;
 * - explicit denies of every IAM write above on TrailGuard's own roles, on roles named `<stack>-*` (what the
 *   runtime also refuses to touch), on the CDK bootstrap and CloudFormation StackSets roles, and on any user or
 *   role tagged `trailguard:protected=true`, so a bug or a forged finding can lock out neither TrailGuard, the
 *   deployment path nor break-glass access.
 *
 * Undo is not the remediator's job: `trailguard undo` runs with the operator's credentials, so the remediator is
 * never allowed to attach AdministratorAccess, share a snapshot or stop a trail.
 */
export class RemediatorAccess extends Construct {
  public readonly policy: iam.Policy;

  constructor(scope: Construct, id: string, props: RemediatorAccessProps) {
    super(scope, id);
    if (props.protectedRoles.length === 0) {
      throw new Error(
        `RemediatorAccess ${this.node.path}: protectedRoles must name at least TrailGuard's own roles`,
      );
    }
    const stack = Stack.of(this);
    const qualifier =
      props.bootstrapQualifier ??
      stack.synthesizer.bootstrapQualifier ??
      DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    if (!/^[a-z0-9]{1,10}$/.test(qualifier)) {
      throw new Error(
        `RemediatorAccess ${this.node.path}: bootstrapQualifier "${qualifier}" must be 1-10 characters of [a-z0-9]`,
      );
    }
    const iamArn = (resource: string) => `arn:${stack.partition}:iam::${stack.account}:${resource}`;
    const users = iamArn('user/*');
    const roles = iamArn('role/*');
    const groups = iamArn('group/*');
    const trails = `arn:${stack.partition}:cloudtrail:*:${stack.account}:trail/*`;
    const onlyQuarantinePolicy = { ArnEquals: { 'iam:PolicyARN': props.quarantinePolicy.managedPolicyArn } };
    const onlyAdministratorAccess = {
      ArnEquals: { 'iam:PolicyARN': `arn:${stack.partition}:iam::aws:policy/AdministratorAccess` },
    };

    this.policy = new iam.Policy(this, 'Policy', {
      statements: [
        new iam.PolicyStatement({
          sid: 'ReadUsers',
          actions: [
            'iam:GetUser',
            'iam:ListUserTags',
            'iam:ListAccessKeys',
            'iam:ListAttachedUserPolicies',
            'iam:GetLoginProfile',
          ],
          resources: [users],
        }),
        new iam.PolicyStatement({
          sid: 'ReadRoles',
          actions: ['iam:GetRole', 'iam:ListRoleTags', 'iam:ListAttachedRolePolicies', 'iam:GetRolePolicy'],
          resources: [roles],
        }),
        new iam.PolicyStatement({
          sid: 'ReadGroups',
          actions: ['iam:GetGroup', 'iam:ListAttachedGroupPolicies'],
          resources: [groups],
        }),
        new iam.PolicyStatement({
          sid: 'DisableAccessKeys',
          actions: ['iam:UpdateAccessKey'],
          resources: [users],
        }),
        new iam.PolicyStatement({
          sid: 'QuarantineUsersWithTheQuarantinePolicyOnly',
          actions: ['iam:AttachUserPolicy', 'iam:DetachUserPolicy'],
          resources: [users],
          conditions: onlyQuarantinePolicy,
        }),
        new iam.PolicyStatement({
          sid: 'QuarantineRolesWithTheQuarantinePolicyOnly',
          actions: ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
          resources: [roles],
          conditions: onlyQuarantinePolicy,
        }),
        new iam.PolicyStatement({
          sid: 'DetachAdministratorAccessOnly',
          actions: ['iam:DetachUserPolicy', 'iam:DetachRolePolicy', 'iam:DetachGroupPolicy'],
          resources: [users, roles, groups],
          conditions: onlyAdministratorAccess,
        }),
        new iam.PolicyStatement({
          sid: 'RevokeRoleSessions',
          actions: ['iam:PutRolePolicy'],
          resources: [roles],
        }),
        new iam.PolicyStatement({
          sid: 'DeleteLoginProfiles',
          actions: ['iam:DeleteLoginProfile'],
          resources: [users],
        }),
        new iam.PolicyStatement({
          sid: 'RestoreTrustPolicies',
          actions: ['iam:UpdateAssumeRolePolicy'],
          resources: [roles],
        }),
        new iam.PolicyStatement({
          sid: 'RestartTrails',
          actions: ['cloudtrail:StartLogging', 'cloudtrail:GetTrailStatus'],
          resources: [trails],
        }),
        // DescribeTrails and LookupEvents support no resource-level permissions.
        new iam.PolicyStatement({
          sid: 'ReadTrailsAndEventHistory',
          actions: ['cloudtrail:DescribeTrails', 'cloudtrail:LookupEvents'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'RevokeSecurityGroupIngress',
          actions: ['ec2:RevokeSecurityGroupIngress'],
          resources: [`arn:${stack.partition}:ec2:*:${stack.account}:security-group/*`],
        }),
        new iam.PolicyStatement({
          sid: 'UnshareSnapshotsRemoveOnly',
          actions: ['ec2:ModifySnapshotAttribute'],
          // Snapshot ARNs carry no account; a snapshot of another account cannot be modified from this one.
          resources: [`arn:${stack.partition}:ec2:*::snapshot/*`],
          conditions: { Null: { 'ec2:Add/group': 'true', 'ec2:Add/userId': 'true' } },
        }),
        new iam.PolicyStatement({
          sid: 'UnshareImages',
          actions: ['ec2:ModifyImageAttribute'],
          resources: [`arn:${stack.partition}:ec2:*::image/*`],
        }),
        // Read-only EC2 describes; DescribeSecurityGroupRules has no resource-level permissions.
        new iam.PolicyStatement({
          sid: 'ReadEc2SharingAndRules',
          actions: [
            'ec2:DescribeSecurityGroupRules',
            'ec2:DescribeSnapshotAttribute',
            'ec2:DescribeImageAttribute',
          ],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'UnshareDbSnapshots',
          actions: ['rds:DescribeDBSnapshotAttributes', 'rds:ModifyDBSnapshotAttribute'],
          resources: [`arn:${stack.partition}:rds:*:${stack.account}:snapshot:*`],
        }),
        new iam.PolicyStatement({
          sid: 'UnshareDbClusterSnapshots',
          actions: ['rds:DescribeDBClusterSnapshotAttributes', 'rds:ModifyDBClusterSnapshotAttribute'],
          resources: [`arn:${stack.partition}:rds:*:${stack.account}:cluster-snapshot:*`],
        }),
        new iam.PolicyStatement({
          sid: 'BlockPublicAccessOnOwnBuckets',
          actions: ['s3:GetBucketPublicAccessBlock', 's3:PutBucketPublicAccessBlock'],
          resources: [`arn:${stack.partition}:s3:::*`],
          conditions: { StringEquals: { 's3:ResourceAccount': stack.account } },
        }),
        new iam.PolicyStatement({
          sid: 'NeverTouchTrailGuardOrDeploymentRoles',
          effect: iam.Effect.DENY,
          actions: [...REMEDIATOR_IAM_WRITE_ACTIONS],
          resources: [
            ...props.protectedRoles.map((role) => role.roleArn),
            iamArn(`role/${stack.stackName}-*`),
            iamArn(`role/cdk-${qualifier}-*`),
            iamArn('role/AWSCloudFormationStackSetExecutionRole'),
            iamArn('role/AWSCloudFormationStackSetAdministrationRole'),
          ],
        }),
        new iam.PolicyStatement({
          sid: 'NeverTouchTaggedProtectedPrincipals',
          effect: iam.Effect.DENY,
          actions: [...REMEDIATOR_IAM_WRITE_ACTIONS],
          resources: [users, roles],
          conditions: { StringEqualsIgnoreCase: { [`iam:ResourceTag/${PROTECTED_TAG_KEY}`]: 'true' } },
        }),
      ],
    });
    props.remediator.role.attachInlinePolicy(this.policy);
    // The function (and its event source) must not start before it can act.
    props.remediator.function.node.addDependency(this.policy);
    props.remediator.addEnvironment(ENV.quarantinePolicyArn, props.quarantinePolicy.managedPolicyArn);

    const acknowledge = (finding: string, reason: string) =>
      Validations.of(this.policy).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
    acknowledge(
      'Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:user/*',
      'The user to act on is only known from the CloudTrail event at run time. Attach/Detach are limited to the ' +
        'quarantine policy or AdministratorAccess by iam:PolicyARN conditions; TrailGuard and deployment roles and ' +
        'principals tagged trailguard:protected=true are explicitly denied.',
    );
    acknowledge(
      'Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:role/*',
      'The role to act on is only known from the CloudTrail event at run time. Attach/Detach are limited by ' +
        'iam:PolicyARN conditions; TrailGuard and deployment roles and roles tagged trailguard:protected=true are ' +
        'explicitly denied every IAM write.',
    );
    acknowledge(
      'Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:group/*',
      'The group AdministratorAccess was attached to is only known from the CloudTrail event at run time; the only ' +
        'group write, DetachGroupPolicy, is limited to AdministratorAccess by an iam:PolicyARN condition.',
    );
    acknowledge(
      'Resource::arn:<AWS::Partition>:cloudtrail:*:<AWS::AccountId>:trail/*',
      'The trail whose logging was stopped, and its home region, are only known from the CloudTrail event at run ' +
        'time; StartLogging and GetTrailStatus are limited to trails of this account.',
    );
    acknowledge(
      'Resource::*',
      'cloudtrail:DescribeTrails, cloudtrail:LookupEvents and ec2:DescribeSecurityGroupRules support no ' +
        'resource-level permissions; the snapshot and image attribute reads are read-only describes granted ' +
        'with them. The test suite asserts these are the only actions on "*".',
    );
    acknowledge(
      'Resource::arn:<AWS::Partition>:ec2:*:<AWS::AccountId>:security-group/*',
      'The security group opened to the world, and its region, are only known from the CloudTrail event; ' +
        'RevokeSecurityGroupIngress is limited to security groups of this account.',
    );
    acknowledge(
      'Resource::arn:<AWS::Partition>:ec2:*::snapshot/*',
      'The shared snapshot is only known from the CloudTrail event (snapshot ARNs carry no account). ' +
        'ModifySnapshotAttribute is allowed only without ec2:Add/* keys, so it can remove sharing, never add it.',
    );
    acknowledge(
      'Resource::arn:<AWS::Partition>:ec2:*::image/*',
      'The shared AMI is only known from the CloudTrail event (image ARNs carry no account); only an owner can ' +
        "change an AMI's launch permissions, so this reaches images of this account only.",
    );
    acknowledge(
      'Resource::arn:<AWS::Partition>:rds:*:<AWS::AccountId>:snapshot:*',
      'The shared DB snapshot and its region are only known from the CloudTrail event; limited to snapshots of ' +
        'this account.',
    );
    acknowledge(
      'Resource::arn:<AWS::Partition>:rds:*:<AWS::AccountId>:cluster-snapshot:*',
      'The shared DB cluster snapshot and its region are only known from the CloudTrail event; limited to ' +
        'cluster snapshots of this account.',
    );
    acknowledge(
      'Resource::arn:<AWS::Partition>:s3:::*',
      'The bucket whose Block Public Access was removed is only known from the CloudTrail event (bucket ARNs ' +
        'carry no account); an s3:ResourceAccount condition limits it to buckets of this account.',
    );
  }
}
