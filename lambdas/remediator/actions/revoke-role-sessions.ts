import {
  DeleteRolePolicyCommand,
  GetRolePolicyCommand,
  type IAMClient,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { REVOKE_SESSIONS_POLICY } from '../../findings/undo-commands';
import { callAws, decodePolicyDocument, IAM_NAME, recordedOptionalString, requireParam } from './support';
import type { RemediationAction } from './types';

const ID = 'iam.revoke-role-sessions';

/** The inline policy this action owns on a role (one definition, shared with the undo command). */
export const REVOKE_SESSIONS_POLICY_NAME = REVOKE_SESSIONS_POLICY;

export interface RevokeRoleSessionsParams {
  readonly roleName: string;
}

/**
 * The policy the IAM console's "Revoke active sessions" button attaches (`AWSRevokeOlderSessions`), under our own
 * name: deny everything to credentials issued before `issuedBefore`. Sessions obtained later (the workload
 * re-assuming the role) are unaffected, so this is far less disruptive than quarantine.
 */
export function revokeSessionsDocument(issuedBefore: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'TrailGuardRevokeOlderSessions',
        Effect: 'Deny',
        Action: ['*'],
        Resource: ['*'],
        Condition: { DateLessThan: { 'aws:TokenIssueTime': issuedBefore } },
      },
    ],
  });
}

/** The role's current inline policy of that name (decoded), or null when there is none. */
async function readPolicy(iam: IAMClient, roleName: string): Promise<string | null> {
  return callAws(ID, `GetRolePolicy ${REVOKE_SESSIONS_POLICY_NAME} of role ${roleName}`, async () => {
    try {
      const out = await iam.send(
        new GetRolePolicyCommand({ RoleName: roleName, PolicyName: REVOKE_SESSIONS_POLICY_NAME }),
      );
      return out.PolicyDocument === undefined ? null : decodePolicyDocument(out.PolicyDocument);
    } catch (error) {
      // Also IAM's answer for a role that does not exist; PutRolePolicy then fails permanently on its own.
      if ((error as { name?: string }).name === 'NoSuchEntityException') return null;
      throw error;
    }
  });
}

async function putPolicy(iam: IAMClient, roleName: string, document: string): Promise<void> {
  await callAws(ID, `PutRolePolicy ${REVOKE_SESSIONS_POLICY_NAME} on role ${roleName}`, () =>
    iam.send(
      new PutRolePolicyCommand({
        RoleName: roleName,
        PolicyName: REVOKE_SESSIONS_POLICY_NAME,
        PolicyDocument: document,
      }),
    ),
  );
}

/**
 * Revokes every session issued from a role until now: an inline deny on `aws:TokenIssueTime` earlier than the
 * moment of remediation. Stolen temporary credentials (which cannot be deactivated like an access key) stop
 * working at once. The before-state keeps any earlier revocation document, so undo restores exactly that.
 */
export const revokeRoleSessions: RemediationAction<RevokeRoleSessionsParams, typeof ID> = {
  id: ID,
  reversible: true,
  disruptive: true,
  summary: "Revoke a role's sessions issued until now (aws:TokenIssueTime deny; undo removes it)",

  parseParams(params) {
    return {
      roleName: requireParam(
        ID,
        params,
        'roleName',
        IAM_NAME,
        'an IAM role name ([\\w+=,.@-], 1-64 characters)',
      ),
    };
  },

  target(params, ctx) {
    return {
      principalArn: `arn:${ctx.partition}:iam::${ctx.accountId}:role/${params.roleName}`,
      principalType: 'role',
      principalName: params.roleName,
      description: `sessions of IAM role ${params.roleName} issued until now`,
    };
  },

  async execute(params, ctx) {
    const previous = await readPolicy(ctx.clients.iam, params.roleName);
    // Whole seconds, as the console writes it; a session issued in the same second as the cut-off survives.
    const issuedBefore = `${(ctx.now?.() ?? new Date()).toISOString().slice(0, 19)}Z`;
    await putPolicy(ctx.clients.iam, params.roleName, revokeSessionsDocument(issuedBefore));
    return {
      status: 'applied',
      before: { policy: previous },
      after: { policyName: REVOKE_SESSIONS_POLICY_NAME, issuedBefore },
      message: `revoked sessions of role ${params.roleName} issued before ${issuedBefore} (inline policy ${REVOKE_SESSIONS_POLICY_NAME})`,
    };
  },

  async undo(params, before, ctx) {
    const previous = recordedOptionalString(ID, before, 'policy');
    const current = await readPolicy(ctx.clients.iam, params.roleName);
    if (current === previous) {
      return {
        status: 'already-applied',
        before: { policy: current },
        after: { policy: current },
        message: `role ${params.roleName} already has its pre-remediation ${REVOKE_SESSIONS_POLICY_NAME} state`,
      };
    }
    if (previous === null) {
      await callAws(ID, `DeleteRolePolicy ${REVOKE_SESSIONS_POLICY_NAME} of role ${params.roleName}`, () =>
        ctx.clients.iam.send(
          new DeleteRolePolicyCommand({ RoleName: params.roleName, PolicyName: REVOKE_SESSIONS_POLICY_NAME }),
        ),
      );
    } else {
      await putPolicy(ctx.clients.iam, params.roleName, previous);
    }
    return {
      status: 'applied',
      before: { policy: current },
      after: { policy: previous },
      message:
        previous === null
          ? `removed ${REVOKE_SESSIONS_POLICY_NAME} from role ${params.roleName}: its older sessions work again`
          : `restored the earlier ${REVOKE_SESSIONS_POLICY_NAME} document on role ${params.roleName}`,
    };
  },
};
