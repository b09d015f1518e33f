import {
  type IAMClient,
  paginateListAccessKeys,
  type StatusType,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { callAws, IAM_NAME, recordedField, requireParam } from './support';
import { PermanentActionError, type RemediationAction } from './types';

const ID = 'iam.disable-access-key';

export interface DisableAccessKeyParams {
  readonly userName: string;
  readonly accessKeyId: string;
}

/** Access key ids: 16 to 128 word characters (IAM API reference), `AKIA…` in practice. */
const ACCESS_KEY_ID = /^\w{16,128}$/;

/** The key's current status, read from the user's key list (there is no GetAccessKey API). */
async function readKeyStatus(
  iam: IAMClient,
  params: DisableAccessKeyParams,
): Promise<StatusType | undefined> {
  return callAws(ID, `ListAccessKeys for user ${params.userName}`, async () => {
    for await (const page of paginateListAccessKeys({ client: iam }, { UserName: params.userName })) {
      const key = page.AccessKeyMetadata?.find((k) => k.AccessKeyId === params.accessKeyId);
      if (key !== undefined) return key.Status;
    }
    throw new PermanentActionError(
      `${ID}: access key ${params.accessKeyId} does not belong to user ${params.userName} (deleted, or wrong user)`,
    );
  });
}

async function setKeyStatus(
  iam: IAMClient,
  params: DisableAccessKeyParams,
  status: StatusType,
): Promise<void> {
  await callAws(ID, `UpdateAccessKey ${params.accessKeyId} to ${status}`, () =>
    iam.send(
      new UpdateAccessKeyCommand({
        UserName: params.userName,
        AccessKeyId: params.accessKeyId,
        Status: status,
      }),
    ),
  );
}

/** Makes an IAM user's access key Inactive. The key is kept, so undo restores it as it was. */
export const disableAccessKey: RemediationAction<DisableAccessKeyParams, typeof ID> = {
  id: ID,
  reversible: true,
  disruptive: true,
  summary: "Deactivate an IAM user's access key (not deleted; undo re-activates it)",

  parseParams(params) {
    return {
      userName: requireParam(
        ID,
        params,
        'userName',
        IAM_NAME,
        'an IAM user name ([\\w+=,.@-], 1-64 characters)',
      ),
      accessKeyId: requireParam(
        ID,
        params,
        'accessKeyId',
        ACCESS_KEY_ID,
        'an access key id (16-128 word characters)',
      ),
    };
  },

  target(params, ctx) {
    return {
      principalArn: `arn:${ctx.partition}:iam::${ctx.accountId}:user/${params.userName}`,
      principalType: 'user',
      principalName: params.userName,
      description: `access key ${params.accessKeyId} of IAM user ${params.userName}`,
    };
  },

  async execute(params, ctx) {
    const status = await readKeyStatus(ctx.clients.iam, params);
    const before = { status };
    if (status === 'Inactive') {
      return {
        status: 'already-applied',
        before,
        after: before,
        message: `access key ${params.accessKeyId} is already Inactive`,
      };
    }
    await setKeyStatus(ctx.clients.iam, params, 'Inactive');
    return {
      status: 'applied',
      before,
      after: { status: 'Inactive' },
      message: `deactivated access key ${params.accessKeyId} of user ${params.userName}`,
    };
  },

  async undo(params, before, ctx) {
    const previous = recordedField(ID, before, 'status', 'string');
    if (previous !== 'Active') {
      // Nothing to reverse, and no call: the key may since have been deleted.
      return {
        status: 'already-applied',
        before: {},
        after: {},
        message: `access key ${params.accessKeyId} was ${previous} before remediation; left unchanged`,
      };
    }
    const current = await readKeyStatus(ctx.clients.iam, params);
    if (current === 'Active') {
      return {
        status: 'already-applied',
        before: { status: current },
        after: { status: current },
        message: `access key ${params.accessKeyId} is already Active`,
      };
    }
    await setKeyStatus(ctx.clients.iam, params, 'Active');
    return {
      status: 'applied',
      before: { status: current },
      after: { status: 'Active' },
      message: `re-activated access key ${params.accessKeyId} of user ${params.userName}`,
    };
  },
};
