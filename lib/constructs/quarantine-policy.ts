import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export interface QuarantinePolicyProps {
  /**
   * Name of the managed policy (unique in the account, IAM is global).
   *
   * @default - `<stack name>-<region>-Quarantine`, so stacks in several regions do not collide
   */
  readonly managedPolicyName?: string;
}

/**
 * The deny-all customer managed policy the remediator attaches to a principal it quarantines. An explicit deny
 * wins over every allow, and IAM evaluates policies per request, so it also stops sessions already issued.
 * The remediator may attach and detach this policy and no other (see RemediatorAccess).
 */
export class QuarantinePolicy extends Construct {
  public readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: QuarantinePolicyProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const name = props.managedPolicyName ?? `${stack.stackName}-${stack.region}-Quarantine`;
    // A token (env-agnostic region) resolves at deploy time; only literal names can be checked here.
    if (!name.includes('${Token') && !/^[\w+=,.@-]{1,128}$/.test(name)) {
      throw new Error(
        `QuarantinePolicy ${this.node.path}: managedPolicyName "${name}" must be 1-128 characters of [A-Za-z0-9+=,.@_-]`,
      );
    }
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      managedPolicyName: name,
      description:
        `TrailGuard quarantine (stack ${stack.stackName}): denies every action to the user or role it is attached to. ` +
        'Attached by the TrailGuard remediator. To release the principal, detach this policy ' +
        '(aws iam detach-user-policy / detach-role-policy --policy-arn <this ARN>) or run the undo command in the alert.',
      statements: [
        new iam.PolicyStatement({
          sid: 'QuarantineDenyAll',
          effect: iam.Effect.DENY,
          actions: ['*'],
          resources: ['*'],
        }),
      ],
    });
  }
}
