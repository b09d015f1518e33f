import { DeleteLoginProfileCommand, GetLoginProfileCommand, type IAMClient } from '@aws-sdk/client-iam';
import { callAws, IAM_NAME, requireParam } from './support';
import { PermanentActionError, type RemediationAction } from './types';

const ID = 'iam.delete-login-profile';

export interface DeleteLoginProfileParams {
  readonly userName: string;
}

interface LoginProfileState {
  readonly exists: boolean;
  readonly createDate?: string;
  readonly passwordResetRequired?: boolean;
}

async function readLoginProfile(iam: IAMClient, userName: string): Promise<LoginProfileState> {
  return callAws(ID, `GetLoginProfile of user ${userName}`, async () => {
    try {
      const out = await iam.send(new GetLoginProfileCommand({ UserName: userName }));
      return {
        exists: true,
        createDate: out.LoginProfile?.CreateDate?.toISOString(),
        passwordResetRequired: out.LoginProfile?.PasswordResetRequired ?? false,
      };
    } catch (error) {
      // No password, or no such user: either way nobody signs in to the console as this user.
      if ((error as { name?: string }).name === 'NoSuchEntityException') return { exists: false };
      throw error;
    }
  });
}

/**
 * Removes an IAM user's console password. IAM never reveals a password, so this cannot be undone: undo fails with
 * instructions to set a new password. That is why the action is disabled unless an operator turns it on
 * (`<prefix>/remediation/actions/iam.delete-login-profile/enabled`), whatever the rule's mode.
 */
export const deleteLoginProfile: RemediationAction<DeleteLoginProfileParams, typeof ID> = {
  id: ID,
  reversible: false,
  disruptive: true,
  summary: "Delete an IAM user's console password (irreversible; off unless enabled)",

  parseParams(params) {
    return {
      userName: requireParam(
        ID,
        params,
        'userName',
        IAM_NAME,
        'an IAM user name ([\\w+=,.@-], 1-64 characters)',
      ),
    };
  },

  target(params, ctx) {
    return {
      principalArn: `arn:${ctx.partition}:iam::${ctx.accountId}:user/${params.userName}`,
      principalType: 'user',
      principalName: params.userName,
      description: `console password (login profile) of IAM user ${params.userName}`,
    };
  },

  async execute(params, ctx) {
    const before = await readLoginProfile(ctx.clients.iam, params.userName);
    if (!before.exists) {
      return {
        status: 'already-applied',
        before: { ...before },
        after: { exists: false },
        message: `user ${params.userName} has no console password`,
      };
    }
    await callAws(ID, `DeleteLoginProfile of user ${params.userName}`, () =>
      ctx.clients.iam.send(new DeleteLoginProfileCommand({ UserName: params.userName })),
    );
    return {
      status: 'applied',
      before: { ...before },
      after: { exists: false },
      message: `deleted the console password of user ${params.userName}`,
    };
  },

  async undo(params) {
    throw new PermanentActionError(
      `${ID}: a deleted console password cannot be restored (IAM never reveals passwords). To give user ` +
        `${params.userName} console access again, set a new one that must be changed at first sign-in: ` +
        `aws iam create-login-profile --user-name ${params.userName} --password-reset-required --password <new password>`,
    );
  },
};
