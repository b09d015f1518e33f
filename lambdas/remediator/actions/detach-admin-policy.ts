import {
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  DetachGroupPolicyCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  type IAMClient,
  paginateListAttachedGroupPolicies,
  paginateListAttachedRolePolicies,
  paginateListAttachedUserPolicies,
} from '@aws-sdk/client-iam';
import { callAws, IAM_NAME, recordedField, requireParam } from './support';
import { InvalidActionParamsError, type RemediationAction } from './types';

const ID = 'iam.detach-admin-policy';

/**
 * The AWS managed AdministratorAccess policy, in any partition: the only policy this action detaches, and the only
 * one the remediator's IAM policy lets it detach besides the quarantine policy.
 */
export const ADMINISTRATOR_ACCESS_ARN = /^arn:aws(?:-[a-z]+)*:iam::aws:policy\/AdministratorAccess$/;

export type GranteeType = 'user' | 'role' | 'group';

export interface DetachAdminPolicyParams {
  readonly principalType: GranteeType;
  readonly principalName: string;
  readonly policyArn: string;
}

const KIND = { user: 'User', role: 'Role', group: 'Group' } as const;

async function isAttached(iam: IAMClient, params: DetachAdminPolicyParams): Promise<boolean> {
  const { principalType: type, principalName: name } = params;
  return callAws(ID, `ListAttached${KIND[type]}Policies for ${type} ${name}`, async () => {
    const pages =
      type === 'user'
        ? paginateListAttachedUserPolicies({ client: iam }, { UserName: name })
        : type === 'role'
          ? paginateListAttachedRolePolicies({ client: iam }, { RoleName: name })
          : paginateListAttachedGroupPolicies({ client: iam }, { GroupName: name });
    for await (const page of pages) {
      if (page.AttachedPolicies?.some((p) => p.PolicyArn === params.policyArn)) return true;
    }
    return false;
  });
}

async function setAttached(iam: IAMClient, params: DetachAdminPolicyParams, attach: boolean): Promise<void> {
  const { principalType: type, principalName: name, policyArn } = params;
  const verb = attach ? 'Attach' : 'Detach';
  await callAws(ID, `${verb}${KIND[type]}Policy ${policyArn} for ${type} ${name}`, () => {
    if (type === 'user') {
      const input = { UserName: name, PolicyArn: policyArn };
      return iam.send(attach ? new AttachUserPolicyCommand(input) : new DetachUserPolicyCommand(input));
    }
    if (type === 'role') {
      const input = { RoleName: name, PolicyArn: policyArn };
      return iam.send(attach ? new AttachRolePolicyCommand(input) : new DetachRolePolicyCommand(input));
    }
    const input = { GroupName: name, PolicyArn: policyArn };
    return iam.send(attach ? new AttachGroupPolicyCommand(input) : new DetachGroupPolicyCommand(input));
  });
}

/**
 * Reverts an administrator grant: detaches AdministratorAccess from the user, role or group it was just attached
 * to. Undo attaches it again (run by an operator with their own credentials: the remediator may only detach).
 */
export const detachAdminPolicy: RemediationAction<DetachAdminPolicyParams, typeof ID> = {
  id: ID,
  reversible: true,
  disruptive: true,
  summary:
    'Detach AdministratorAccess from the user, role or group it was just attached to (undo re-attaches)',

  parseParams(params) {
    const principalType = params.principalType;
    if (principalType !== 'user' && principalType !== 'role' && principalType !== 'group') {
      throw new InvalidActionParamsError(
        ID,
        'principalType',
        principalType === undefined || principalType === ''
          ? 'is required'
          : 'must be "user", "role" or "group"',
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
      policyArn: requireParam(
        ID,
        params,
        'policyArn',
        ADMINISTRATOR_ACCESS_ARN,
        'the AWS managed AdministratorAccess policy ARN (no other policy is detached)',
      ),
    };
  },

  target(params, ctx) {
    return {
      principalArn: `arn:${ctx.partition}:iam::${ctx.accountId}:${params.principalType}/${params.principalName}`,
      principalType: params.principalType,
      principalName: params.principalName,
      description: `AdministratorAccess on IAM ${params.principalType} ${params.principalName}`,
    };
  },

  async execute(params, ctx) {
    const who = `${params.principalType} ${params.principalName}`;
    const attached = await isAttached(ctx.clients.iam, params);
    if (!attached) {
      return {
        status: 'already-applied',
        before: { attached },
        after: { attached },
        message: `AdministratorAccess is not attached to ${who}`,
      };
    }
    await setAttached(ctx.clients.iam, params, false);
    return {
      status: 'applied',
      before: { attached, policyArn: params.policyArn },
      after: { attached: false },
      message: `detached ${params.policyArn} from ${who}`,
    };
  },

  async undo(params, before, ctx) {
    const who = `${params.principalType} ${params.principalName}`;
    if (!recordedField(ID, before, 'attached', 'boolean')) {
      return {
        status: 'already-applied',
        before: {},
        after: {},
        message: `AdministratorAccess was not attached to ${who} before remediation; left detached`,
      };
    }
    if (await isAttached(ctx.clients.iam, params)) {
      return {
        status: 'already-applied',
        before: { attached: true },
        after: { attached: true },
        message: `AdministratorAccess is already attached to ${who}`,
      };
    }
    await setAttached(ctx.clients.iam, params, true);
    return {
      status: 'applied',
      before: { attached: false },
      after: { attached: true },
      message: `re-attached ${params.policyArn} to ${who}`,
    };
  },
};
