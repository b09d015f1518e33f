import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  ListAccessKeysCommand,
  NoSuchEntityException,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disableAccessKey } from '../../../lambdas/remediator/actions/disable-access-key';
import {
  type ActionContext,
  InvalidActionParamsError,
  PermanentActionError,
} from '../../../lambdas/remediator/actions/types';
import { actionContext, motoActionClients, uniqueName } from './support';

let clients: ReturnType<typeof motoActionClients>;
let ctx: ActionContext;

beforeAll(() => {
  clients = motoActionClients();
  ctx = actionContext(clients);
});

afterAll(() => clients.destroy());

/** A new IAM user with one access key, in the given status. */
async function userWithKey(
  status: 'Active' | 'Inactive' = 'Active',
): Promise<{ userName: string; accessKeyId: string }> {
  const userName = uniqueName('tg-dak');
  await clients.iam.send(new CreateUserCommand({ UserName: userName }));
  const out = await clients.iam.send(new CreateAccessKeyCommand({ UserName: userName }));
  const accessKeyId = out.AccessKey?.AccessKeyId;
  if (accessKeyId === undefined) throw new Error('CreateAccessKey returned no key id');
  if (status === 'Inactive') {
    await clients.iam.send(
      new UpdateAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId, Status: 'Inactive' }),
    );
  }
  return { userName, accessKeyId };
}

async function keyStatus(userName: string, accessKeyId: string): Promise<string | undefined> {
  const out = await clients.iam.send(new ListAccessKeysCommand({ UserName: userName }));
  return out.AccessKeyMetadata?.find((k) => k.AccessKeyId === accessKeyId)?.Status;
}

describe('iam.disable-access-key parseParams', () => {
  it('returns typed params when userName and accessKeyId are valid', () => {
    expect(
      disableAccessKey.parseParams({ userName: 'alice+ops@corp', accessKeyId: 'AKIAIOSFODNN7EXAMPLE' }),
    ).toEqual({
      userName: 'alice+ops@corp',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    });
  });

  it.each([
    [{ accessKeyId: 'AKIAIOSFODNN7EXAMPLE' }, 'userName', 'is required'],
    [{ userName: 'alice' }, 'accessKeyId', 'is required'],
    [
      { userName: 'alice/../bob', accessKeyId: 'AKIAIOSFODNN7EXAMPLE' },
      'userName',
      'must be an IAM user name',
    ],
    [
      { userName: 'a'.repeat(65), accessKeyId: 'AKIAIOSFODNN7EXAMPLE' },
      'userName',
      'must be an IAM user name',
    ],
    [{ userName: 'alice', accessKeyId: 'AKIA-SHORT' }, 'accessKeyId', 'must be an access key id'],
  ])('throws InvalidActionParamsError naming the param when params are %j', (params, param, problem) => {
    // Act
    const act = () => disableAccessKey.parseParams(params);

    // Assess
    expect(act).toThrow(InvalidActionParamsError);
    expect(act).toThrow(`iam.disable-access-key: param "${param}" ${problem}`);
  });
});

describe('iam.disable-access-key target', () => {
  it('names the user ARN and the key when asked what it touches', () => {
    const target = disableAccessKey.target({ userName: 'alice', accessKeyId: 'AKIAIOSFODNN7EXAMPLE' }, ctx);

    expect(target).toEqual({
      principalArn: 'arn:aws:iam::123456789012:user/alice',
      principalType: 'user',
      principalName: 'alice',
      description: 'access key AKIAIOSFODNN7EXAMPLE of IAM user alice',
    });
  });
});

describe('iam.disable-access-key execute and undo', () => {
  it('deactivates the key, then reports already-applied, then undo re-activates it', async () => {
    // Prepare
    const params = await userWithKey('Active');

    // Act
    const first = await disableAccessKey.execute(params, ctx);
    const afterFirst = await keyStatus(params.userName, params.accessKeyId);
    const second = await disableAccessKey.execute(params, ctx);
    const afterSecond = await keyStatus(params.userName, params.accessKeyId);
    const undone = await disableAccessKey.undo(params, first.before, ctx);
    const afterUndo = await keyStatus(params.userName, params.accessKeyId);
    const undoneAgain = await disableAccessKey.undo(params, first.before, ctx);

    // Assess
    expect(first).toMatchObject({
      status: 'applied',
      before: { status: 'Active' },
      after: { status: 'Inactive' },
    });
    expect(afterFirst).toBe('Inactive');
    expect(second).toMatchObject({ status: 'already-applied', before: { status: 'Inactive' } });
    expect(afterSecond).toBe('Inactive');
    expect(undone).toMatchObject({
      status: 'applied',
      before: { status: 'Inactive' },
      after: { status: 'Active' },
    });
    expect(afterUndo).toBe('Active');
    expect(undoneAgain.status).toBe('already-applied');
  });

  it('leaves the key Inactive on undo when it was already Inactive before remediation', async () => {
    // Prepare
    const params = await userWithKey('Inactive');
    const outcome = await disableAccessKey.execute(params, ctx);

    // Act
    const undone = await disableAccessKey.undo(params, outcome.before, ctx);

    // Assess
    expect(outcome).toMatchObject({ status: 'already-applied', before: { status: 'Inactive' } });
    expect(undone.status).toBe('already-applied');
    expect(undone.message).toContain('was Inactive before remediation');
    expect(await keyStatus(params.userName, params.accessKeyId)).toBe('Inactive');
  });

  it('throws PermanentActionError when the key belongs to another user', async () => {
    // Prepare
    const owner = await userWithKey('Active');
    const other = await userWithKey('Active');

    // Act
    const act = disableAccessKey.execute({ userName: other.userName, accessKeyId: owner.accessKeyId }, ctx);

    // Assess
    await expect(act).rejects.toThrow(PermanentActionError);
    await expect(act).rejects.toThrow(`does not belong to user ${other.userName}`);
    expect(await keyStatus(owner.userName, owner.accessKeyId)).toBe('Active');
  });

  it('throws PermanentActionError caused by NoSuchEntity when the user does not exist', async () => {
    // Prepare
    const params = { userName: uniqueName('tg-ghost'), accessKeyId: 'AKIAIOSFODNN7EXAMPLE' };

    // Act
    const error = await disableAccessKey.execute(params, ctx).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(PermanentActionError);
    expect((error as Error).cause).toBeInstanceOf(NoSuchEntityException);
  });

  it('throws PermanentActionError when the recorded before-state has no status', async () => {
    // Prepare
    const params = await userWithKey('Inactive');

    // Act
    const act = disableAccessKey.undo(params, { unexpected: true }, ctx);

    // Assess
    await expect(act).rejects.toThrow(PermanentActionError);
    await expect(act).rejects.toThrow('no string "status"');
  });
});
