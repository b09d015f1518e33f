import { CreateRoleCommand, GetRolePolicyCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  REVOKE_SESSIONS_POLICY_NAME,
  revokeRoleSessions,
  revokeSessionsDocument,
} from '../../../lambdas/remediator/actions/revoke-role-sessions';
import {
  type ActionContext,
  InvalidActionParamsError,
  PermanentActionError,
} from '../../../lambdas/remediator/actions/types';
import { actionContext, motoActionClients, uniqueName } from './support';

let clients: ReturnType<typeof motoActionClients>;
let ctx: ActionContext;
const NOW = new Date('2026-11-22T10:15:30.456Z');

beforeAll(() => {
  clients = motoActionClients();
  ctx = { ...actionContext(clients), now: () => NOW };
});

afterAll(() => clients.destroy());

async function role(): Promise<string> {
  const roleName = uniqueName('tg-rrs');
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

/** The role's revoke-sessions policy as stored in the emulator, parsed, or undefined when absent. */
async function storedPolicy(roleName: string): Promise<Record<string, unknown> | undefined> {
  try {
    const out = await clients.iam.send(
      new GetRolePolicyCommand({ RoleName: roleName, PolicyName: REVOKE_SESSIONS_POLICY_NAME }),
    );
    return JSON.parse(decodeURIComponent(out.PolicyDocument ?? ''));
  } catch (error) {
    if ((error as Error).name === 'NoSuchEntityException') return undefined;
    throw error;
  }
}

describe('iam.revoke-role-sessions parseParams', () => {
  it('returns the role name when it is a valid IAM name', () => {
    expect(revokeRoleSessions.parseParams({ roleName: 'Deploy+ci@corp' })).toEqual({
      roleName: 'Deploy+ci@corp',
    });
  });

  it.each([
    [{}, 'is required'],
    [{ roleName: 'role/with/slash' }, 'must be an IAM role name'],
  ])('throws InvalidActionParamsError when params are %j', (params, problem) => {
    expect(() => revokeRoleSessions.parseParams(params)).toThrow(InvalidActionParamsError);
    expect(() => revokeRoleSessions.parseParams(params)).toThrow(problem);
  });

  it('targets the role, so the protection check applies to it', () => {
    expect(revokeRoleSessions.target({ roleName: 'Deploy' }, ctx)).toMatchObject({
      principalArn: 'arn:aws:iam::123456789012:role/Deploy',
      principalType: 'role',
      principalName: 'Deploy',
    });
  });
});

describe('iam.revoke-role-sessions execute and undo (moto)', () => {
  it('puts the aws:TokenIssueTime deny with the remediation time, and undo removes it', async () => {
    // Prepare
    const roleName = await role();
    // Act
    const done = await revokeRoleSessions.execute({ roleName }, ctx);
    const during = await storedPolicy(roleName);
    const undone = await revokeRoleSessions.undo({ roleName }, done.before, ctx);
    const after = await storedPolicy(roleName);
    const undoneAgain = await revokeRoleSessions.undo({ roleName }, done.before, ctx);
    // Assess
    expect(done).toMatchObject({
      status: 'applied',
      before: { policy: null },
      after: { policyName: REVOKE_SESSIONS_POLICY_NAME, issuedBefore: '2026-11-22T10:15:30Z' },
    });
    expect(during).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'TrailGuardRevokeOlderSessions',
          Effect: 'Deny',
          Action: ['*'],
          Resource: ['*'],
          Condition: { DateLessThan: { 'aws:TokenIssueTime': '2026-11-22T10:15:30Z' } },
        },
      ],
    });
    expect(undone.status).toBe('applied');
    expect(after).toBeUndefined();
    expect(undoneAgain.status).toBe('already-applied');
  });

  it('records an earlier revocation and puts it back on undo instead of deleting it', async () => {
    // Prepare
    const roleName = await role();
    const earlier = revokeSessionsDocument('2026-01-01T00:00:00Z');
    await clients.iam.send(
      new PutRolePolicyCommand({
        RoleName: roleName,
        PolicyName: REVOKE_SESSIONS_POLICY_NAME,
        PolicyDocument: earlier,
      }),
    );
    // Act
    const done = await revokeRoleSessions.execute({ roleName }, ctx);
    const during = await storedPolicy(roleName);
    await revokeRoleSessions.undo({ roleName }, done.before, ctx);
    const after = await storedPolicy(roleName);
    // Assess
    expect(done.before).toEqual({ policy: earlier });
    expect(JSON.stringify(during)).toContain('2026-11-22T10:15:30Z');
    expect(after).toEqual(JSON.parse(earlier));
  });

  it('throws PermanentActionError when the role does not exist', async () => {
    // Act
    const act = revokeRoleSessions.execute({ roleName: uniqueName('tg-ghost') }, ctx);
    // Assess
    await expect(act).rejects.toThrow(PermanentActionError);
  });

  it('throws PermanentActionError on undo when the recorded before-state is not a document or null', async () => {
    // Prepare
    const roleName = await role();
    // Act
    const act = revokeRoleSessions.undo({ roleName }, { policy: 42 }, ctx);
    // Assess
    await expect(act).rejects.toThrow(PermanentActionError);
  });
});
