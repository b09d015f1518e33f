import {
  AttachUserPolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quarantinePrincipal } from '../../../lambdas/remediator/actions/quarantine-principal';
import {
  type ActionContext,
  InvalidActionParamsError,
  PermanentActionError,
} from '../../../lambdas/remediator/actions/types';
import { actionContext, createQuarantinePolicy, motoActionClients, uniqueName } from './support';

let clients: ReturnType<typeof motoActionClients>;
let ctx: ActionContext;

beforeAll(async () => {
  clients = motoActionClients();
  ctx = actionContext(clients, await createQuarantinePolicy(clients.iam));
});

afterAll(() => clients.destroy());

async function newUser(): Promise<string> {
  const userName = uniqueName('tg-quarantine-user');
  await clients.iam.send(new CreateUserCommand({ UserName: userName }));
  return userName;
}

async function newRole(): Promise<string> {
  const roleName = uniqueName('tg-quarantine-role');
  await clients.iam.send(
    new CreateRoleCommand({
      RoleName: roleName,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      }),
    }),
  );
  return roleName;
}

async function attachedArns(type: 'user' | 'role', name: string): Promise<string[]> {
  const out =
    type === 'user'
      ? await clients.iam.send(new ListAttachedUserPoliciesCommand({ UserName: name }))
      : await clients.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name }));
  return (out.AttachedPolicies ?? []).map((p) => p.PolicyArn ?? '');
}

describe('iam.quarantine-principal parseParams', () => {
  it('returns typed params when principalType and principalName are valid', () => {
    expect(quarantinePrincipal.parseParams({ principalType: 'role', principalName: 'ci-deployer' })).toEqual({
      principalType: 'role',
      principalName: 'ci-deployer',
    });
  });

  it.each([
    [{ principalName: 'alice' }, 'principalType', 'is required'],
    [{ principalType: 'group', principalName: 'admins' }, 'principalType', 'must be "user" or "role"'],
    [{ principalType: 'user' }, 'principalName', 'is required'],
    [{ principalType: 'role', principalName: 'a role' }, 'principalName', 'must be an IAM name'],
  ])('throws InvalidActionParamsError naming the param when params are %j', (params, param, problem) => {
    // Act
    const act = () => quarantinePrincipal.parseParams(params);

    // Assess
    expect(act).toThrow(InvalidActionParamsError);
    expect(act).toThrow(`iam.quarantine-principal: param "${param}" ${problem}`);
  });
});

describe('iam.quarantine-principal target', () => {
  it('names the role ARN when the principal is a role', () => {
    const target = quarantinePrincipal.target({ principalType: 'role', principalName: 'ci-deployer' }, ctx);

    expect(target).toMatchObject({
      principalArn: 'arn:aws:iam::123456789012:role/ci-deployer',
      principalType: 'role',
      principalName: 'ci-deployer',
    });
  });
});

describe('iam.quarantine-principal execute and undo', () => {
  it.each(['user', 'role'] as const)(
    'attaches the quarantine policy to a %s, then reports already-applied, then undo detaches it',
    async (principalType) => {
      // Prepare
      const principalName = principalType === 'user' ? await newUser() : await newRole();
      const params = { principalType, principalName };

      // Act
      const first = await quarantinePrincipal.execute(params, ctx);
      const afterFirst = await attachedArns(principalType, principalName);
      const second = await quarantinePrincipal.execute(params, ctx);
      const afterSecond = await attachedArns(principalType, principalName);
      const undone = await quarantinePrincipal.undo(params, first.before, ctx);
      const afterUndo = await attachedArns(principalType, principalName);
      const undoneAgain = await quarantinePrincipal.undo(params, first.before, ctx);

      // Assess
      expect(first).toMatchObject({
        status: 'applied',
        before: { attached: false },
        after: { attached: true },
      });
      expect(afterFirst).toEqual([ctx.quarantinePolicyArn]);
      expect(second).toMatchObject({ status: 'already-applied', before: { attached: true } });
      expect(afterSecond).toEqual([ctx.quarantinePolicyArn]);
      expect(undone).toMatchObject({ status: 'applied', after: { attached: false } });
      expect(afterUndo).toEqual([]);
      expect(undoneAgain.status).toBe('already-applied');
    },
  );

  it('keeps the policy on undo when the principal was quarantined before this remediation', async () => {
    // Prepare
    const userName = await newUser();
    await clients.iam.send(
      new AttachUserPolicyCommand({ UserName: userName, PolicyArn: ctx.quarantinePolicyArn }),
    );
    const params = { principalType: 'user' as const, principalName: userName };
    const outcome = await quarantinePrincipal.execute(params, ctx);

    // Act
    const undone = await quarantinePrincipal.undo(params, outcome.before, ctx);

    // Assess
    expect(outcome).toMatchObject({ status: 'already-applied', before: { attached: true } });
    expect(undone.status).toBe('already-applied');
    expect(await attachedArns('user', userName)).toEqual([ctx.quarantinePolicyArn]);
  });

  it('leaves other attached policies alone when it quarantines and undoes', async () => {
    // Prepare
    const userName = await newUser();
    const readOnly = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
    await clients.iam.send(new AttachUserPolicyCommand({ UserName: userName, PolicyArn: readOnly }));
    const params = { principalType: 'user' as const, principalName: userName };

    // Act
    const outcome = await quarantinePrincipal.execute(params, ctx);
    const during = await attachedArns('user', userName);
    await quarantinePrincipal.undo(params, outcome.before, ctx);

    // Assess
    expect(during.sort()).toEqual([readOnly, ctx.quarantinePolicyArn].sort());
    expect(await attachedArns('user', userName)).toEqual([readOnly]);
  });

  it('throws PermanentActionError when the role does not exist', async () => {
    // Prepare
    const params = { principalType: 'role' as const, principalName: uniqueName('tg-ghost-role') };

    // Act
    const act = quarantinePrincipal.execute(params, ctx);

    // Assess
    await expect(act).rejects.toThrow(PermanentActionError);
    await expect(act).rejects.toThrow(params.principalName);
  });

  it('throws PermanentActionError when the quarantine policy does not exist', async () => {
    // Prepare
    const userName = await newUser();
    const missingPolicy = {
      ...ctx,
      quarantinePolicyArn: `arn:aws:iam::123456789012:policy/${uniqueName('gone')}`,
    };

    // Act
    const act = quarantinePrincipal.execute(
      { principalType: 'user', principalName: userName },
      missingPolicy,
    );

    // Assess
    await expect(act).rejects.toThrow(PermanentActionError);
    expect(await attachedArns('user', userName)).toEqual([]);
  });
});

describe('iam.quarantine-principal undo without a known policy', () => {
  it('refuses rather than report "not quarantined" when neither the record nor the caller names the policy', async () => {
    // Prepare
    const clientsHere = motoActionClients();
    const ctxHere = { ...actionContext(clientsHere), quarantinePolicyArn: '' };
    // Act
    const act = quarantinePrincipal.undo(
      { principalType: 'user', principalName: 'anyone' },
      { attached: false },
      ctxHere,
    );
    // Assess
    await expect(act).rejects.toThrow('pass --quarantine-policy-arn');
    clientsHere.destroy();
  });
});
