import {
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreateRoleCommand,
  CreateUserCommand,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DetachAdminPolicyParams,
  detachAdminPolicy,
} from '../../../lambdas/remediator/actions/detach-admin-policy';
import { type ActionContext, InvalidActionParamsError } from '../../../lambdas/remediator/actions/types';
import { actionContext, motoActionClients, uniqueName } from './support';

const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
let clients: ReturnType<typeof motoActionClients>;
let ctx: ActionContext;

beforeAll(() => {
  clients = motoActionClients();
  ctx = actionContext(clients);
});

afterAll(() => clients.destroy());

/** A user, role or group with AdministratorAccess attached (the emulator loads AWS managed policies). */
async function grantee(type: DetachAdminPolicyParams['principalType']): Promise<DetachAdminPolicyParams> {
  const name = uniqueName(`tg-dap-${type}`);
  if (type === 'user') {
    await clients.iam.send(new CreateUserCommand({ UserName: name }));
    await clients.iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: ADMIN }));
  } else if (type === 'role') {
    await clients.iam.send(
      new CreateRoleCommand({
        RoleName: name,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: 'arn:aws:iam::999999999999:root' },
              Action: 'sts:AssumeRole',
            },
          ],
        }),
      }),
    );
    await clients.iam.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: ADMIN }));
  } else {
    await clients.iam.send(new CreateGroupCommand({ GroupName: name }));
    await clients.iam.send(new AttachGroupPolicyCommand({ GroupName: name, PolicyArn: ADMIN }));
  }
  return { principalType: type, principalName: name, policyArn: ADMIN };
}

async function attached(params: DetachAdminPolicyParams): Promise<string[]> {
  const { principalType: type, principalName: name } = params;
  const out =
    type === 'user'
      ? await clients.iam.send(new ListAttachedUserPoliciesCommand({ UserName: name }))
      : type === 'role'
        ? await clients.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name }))
        : await clients.iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: name }));
  return (out.AttachedPolicies ?? []).map((p) => p.PolicyArn ?? '');
}

describe('iam.detach-admin-policy parseParams', () => {
  it.each([
    [
      { principalType: 'user', principalName: 'x', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
      'policyArn',
    ],
    [
      {
        principalType: 'user',
        principalName: 'x',
        policyArn: 'arn:aws:iam::123456789012:policy/AdministratorAccess',
      },
      'policyArn',
    ],
    [{ principalType: 'computer', principalName: 'x', policyArn: ADMIN }, 'principalType'],
    [{ principalType: 'group', principalName: 'a/b', policyArn: ADMIN }, 'principalName'],
  ])('refuses anything but AdministratorAccess on a user, role or group: %j', (params, param) => {
    expect(() => detachAdminPolicy.parseParams(params)).toThrow(InvalidActionParamsError);
    expect(() => detachAdminPolicy.parseParams(params)).toThrow(`param "${param}"`);
  });

  it('accepts AdministratorAccess in another partition', () => {
    const params = {
      principalType: 'role',
      principalName: 'x',
      policyArn: 'arn:aws-us-gov:iam::aws:policy/AdministratorAccess',
    };
    expect(detachAdminPolicy.parseParams(params).policyArn).toBe(params.policyArn);
  });
});

describe('iam.detach-admin-policy execute and undo (moto)', () => {
  it.each(['user', 'role', 'group'] as const)(
    'detaches AdministratorAccess from a %s, then undo attaches it again',
    async (type) => {
      // Prepare
      const params = await grantee(type);
      const before = await attached(params);
      // Act
      const done = await detachAdminPolicy.execute(params, ctx);
      const during = await attached(params);
      const again = await detachAdminPolicy.execute(params, ctx);
      const undone = await detachAdminPolicy.undo(params, done.before, ctx);
      const after = await attached(params);
      const undoneAgain = await detachAdminPolicy.undo(params, done.before, ctx);
      // Assess
      expect(before).toEqual([ADMIN]);
      expect(done).toMatchObject({
        status: 'applied',
        before: { attached: true },
        after: { attached: false },
      });
      expect(during).toEqual([]);
      expect(again.status).toBe('already-applied');
      expect(undone.status).toBe('applied');
      expect(after).toEqual([ADMIN]);
      expect(undoneAgain.status).toBe('already-applied');
    },
  );

  it('leaves it detached on undo when it was not attached before remediation', async () => {
    // Prepare
    const params = await grantee('user');
    await detachAdminPolicy.execute(params, ctx);
    const second = await detachAdminPolicy.execute(params, ctx);
    // Act
    const undone = await detachAdminPolicy.undo(params, second.before, ctx);
    // Assess
    expect(undone.status).toBe('already-applied');
    expect(await attached(params)).toEqual([]);
  });
});
