import { CreateLoginProfileCommand, CreateUserCommand, GetLoginProfileCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteLoginProfile } from '../../../lambdas/remediator/actions/delete-login-profile';
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

async function user(withPassword: boolean): Promise<string> {
  const userName = uniqueName('tg-dlp');
  await clients.iam.send(new CreateUserCommand({ UserName: userName }));
  if (withPassword) {
    await clients.iam.send(
      new CreateLoginProfileCommand({
        UserName: userName,
        Password: 'Attacker-Set-1!',
        PasswordResetRequired: true,
      }),
    );
  }
  return userName;
}

async function hasLoginProfile(userName: string): Promise<boolean> {
  try {
    await clients.iam.send(new GetLoginProfileCommand({ UserName: userName }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'NoSuchEntityException') return false;
    throw error;
  }
}

describe('iam.delete-login-profile', () => {
  it('is labelled irreversible and disruptive', () => {
    expect(deleteLoginProfile.reversible).toBe(false);
    expect(deleteLoginProfile.disruptive).toBe(true);
  });

  it('throws InvalidActionParamsError when the user name is missing', () => {
    expect(() => deleteLoginProfile.parseParams({})).toThrow(InvalidActionParamsError);
  });

  it('deletes the console password, records that it existed, then reports already-applied', async () => {
    // Prepare
    const userName = await user(true);
    const existed = await hasLoginProfile(userName);
    // Act
    const first = await deleteLoginProfile.execute({ userName }, ctx);
    const afterFirst = await hasLoginProfile(userName);
    const second = await deleteLoginProfile.execute({ userName }, ctx);
    // Assess
    expect(existed).toBe(true);
    // moto 5.2.1 stores PasswordResetRequired as false whatever CreateLoginProfile says: only its presence is checked.
    expect(first).toMatchObject({
      status: 'applied',
      before: { exists: true, passwordResetRequired: expect.any(Boolean), createDate: expect.any(String) },
      after: { exists: false },
    });
    expect(afterFirst).toBe(false);
    expect(second).toMatchObject({ status: 'already-applied', before: { exists: false } });
  });

  it('refuses to undo with a permanent error that says how to set a new password, changing nothing', async () => {
    // Prepare
    const userName = await user(true);
    const done = await deleteLoginProfile.execute({ userName }, ctx);
    // Act
    const act = deleteLoginProfile.undo({ userName }, done.before, ctx);
    // Assess
    await expect(act).rejects.toThrow(PermanentActionError);
    await expect(act).rejects.toThrow('aws iam create-login-profile');
    expect(await hasLoginProfile(userName)).toBe(false);
  });
});
