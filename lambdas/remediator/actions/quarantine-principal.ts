import {
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  type IAMClient,
  paginateListAttachedRolePolicies,
  paginateListAttachedUserPolicies,
} from '@aws-sdk/client-iam';
import { callAws, IAM_NAME, recordedField, requireParam } from './support';
import { InvalidActionParamsError, PermanentActionError, type RemediationAction } from './types';

const ID = 'iam.quarantine-principal';

export interface QuarantinePrincipalParams {
  readonly principalType: 'user' | 'role';
  readonly principalName: string;
}

async function isAttached(
  iam: IAMClient,
  params: QuarantinePrincipalParams,
  policyArn: string,
): Promise<boolean> {
  const { principalType: type, principalName: name } = params;
  return callAws(
    ID,
    `ListAttached${type === 'user' ? 'User' : 'Role'}Policies for ${type} ${name}`,
    async () => {
      const pages =
        type === 'user'
          ? paginateListAttachedUserPolicies({ client: iam }, { UserName: name })
          : paginateListAttachedRolePolicies({ client: iam }, { RoleName: name });
      for await (const page of pages) {
        if (page.AttachedPolicies?.some((p) => p.PolicyArn === policyArn)) return true;
      }
      return false;
    },
  );
}

async function attach(iam: IAMClient, params: QuarantinePrincipalParams, policyArn: string): Promise<void> {
  const { principalType: type, principalName: name } = params;
  await callAws(ID, `attach ${policyArn} to ${type} ${name}`, () =>
    type === 'user'
      ? iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: policyArn }))
      : iam.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: policyArn })),
  );
}

async function detach(iam: IAMClient, params: QuarantinePrincipalParams, policyArn: string): Promise<void> {
  const { principalType: type, principalName: name } = params;
  await callAws(ID, `detach ${policyArn} from ${type} ${name}`, () =>
    type === 'user'
      ? iam.send(new DetachUserPolicyCommand({ UserName: name, PolicyArn: policyArn }))
      : iam.send(new DetachRolePolicyCommand({ RoleName: name, PolicyArn: policyArn })),
  );
}

/**
 * Attaches the stack's deny-all managed policy to a user or role. An explicit deny beats every allow, so the
 * principal (and, for a role, sessions already issued from it) can do nothing until the policy is detached.
 */
export const quarantinePrincipal: RemediationAction<QuarantinePrincipalParams, typeof ID> = {
  id: ID,
  reversible: true,
  disruptive: true,
  summary: 'Attach the deny-all quarantine policy to an IAM user or role (undo detaches it)',

  parseParams(params) {
    const principalType = params.principalType;
    if (principalType !== 'user' && principalType !== 'role') {
      throw new InvalidActionParamsError(
        ID,
        'principalType',
        principalType === undefined || principalType === '' ? 'is required' : 'must be "user" or "role"',
      );
    }
    return {
      principalType,
      principalName: requireParam(
        ID,
        params,
        'principalName',
        IAM_NAME,
        'an IAM name ([\\w+=,.@-], 1-64 characters)',
      ),
    };
  },

  target(params, ctx) {
    return {
      principalArn: `arn:${ctx.partition}:iam::${ctx.accountId}:${params.principalType}/${params.principalName}`,
      principalType: params.principalType,
      principalName: params.principalName,
      description: `IAM ${params.principalType} ${params.principalName}`,
    };
  },

  async execute(params, ctx) {
    const attached = await isAttached(ctx.clients.iam, params, ctx.quarantinePolicyArn);
    const who = `${params.principalType} ${params.principalName}`;
    if (attached) {
      return {
        status: 'already-applied',
        before: { attached },
        after: { attached },
        message: `${who} is already quarantined`,
      };
    }
    await attach(ctx.clients.iam, params, ctx.quarantinePolicyArn);
    return {
      status: 'applied',
      // The policy ARN is recorded so `trailguard undo` detaches exactly this policy, wherever it runs.
      before: { attached, policyArn: ctx.quarantinePolicyArn },
      after: { attached: true },
      message: `attached quarantine policy ${ctx.quarantinePolicyArn} to ${who}`,
    };
  },

  async undo(params, before, ctx) {
    const who = `${params.principalType} ${params.principalName}`;
    if (recordedField(ID, before, 'attached', 'boolean')) {
      return {
        status: 'already-applied',
        before: {},
        after: {},
        message: `${who} was quarantined before this remediation; left quarantined`,
      };
    }
    const policyArn = typeof before.policyArn === 'string' ? before.policyArn : ctx.quarantinePolicyArn;
    if (policyArn === '') {
      // Never report "not quarantined" for want of knowing which policy to look for.
      throw new PermanentActionError(
        `${ID}: cannot undo: neither the audit record nor the caller names the quarantine policy (pass --quarantine-policy-arn)`,
      );
    }
    const attached = await isAttached(ctx.clients.iam, params, policyArn);
    if (!attached) {
      return {
        status: 'already-applied',
        before: { attached },
        after: { attached },
        message: `${who} is not quarantined`,
      };
    }
    await detach(ctx.clients.iam, params, policyArn);
    return {
      status: 'applied',
      before: { attached },
      after: { attached: false },
      message: `detached quarantine policy ${policyArn} from ${who}`,
    };
  },
};
