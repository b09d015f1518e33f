import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeSecurityGroupRulesCommand,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeSecurityGroupIngress } from '../../../lambdas/remediator/actions/revoke-security-group-ingress';
import {
  type ActionContext,
  InvalidActionParamsError,
  PermanentActionError,
} from '../../../lambdas/remediator/actions/types';
import { actionContext, motoActionClients, uniqueName } from './support';

const REGION = 'eu-west-1';
let clients: ReturnType<typeof motoActionClients>;
let ctx: ActionContext;

beforeAll(() => {
  clients = motoActionClients();
  ctx = actionContext(clients);
});

afterAll(() => clients.destroy());

/** Authorizes one permission (moto's response lists only the last permission's rules) and returns its rule id. */
async function authorize(groupId: string, permission: IpPermission): Promise<string> {
  const out = await clients
    .ec2(REGION)
    .send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [permission] }));
  const id = out.SecurityGroupRules?.[0]?.SecurityGroupRuleId;
  if (id === undefined) throw new Error('AuthorizeSecurityGroupIngress returned no rule id');
  return id;
}

/** A group with SSH open to the world (the offending rule) and HTTPS from 10.0.0.0/8 (a rule that must stay). */
async function openGroup() {
  const group = await clients
    .ec2(REGION)
    .send(new CreateSecurityGroupCommand({ GroupName: uniqueName('tg-sg'), Description: 'test' }));
  const groupId = group.GroupId ?? '';
  const worldRule = await authorize(groupId, {
    IpProtocol: 'tcp',
    FromPort: 22,
    ToPort: 22,
    IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'temporary debug' }],
  });
  const officeRule = await authorize(groupId, {
    IpProtocol: 'tcp',
    FromPort: 443,
    ToPort: 443,
    IpRanges: [{ CidrIp: '10.0.0.0/8' }],
  });
  return { groupId, worldRule, officeRule };
}

async function ingress(groupId: string): Promise<string[]> {
  const out = await clients
    .ec2(REGION)
    .send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }));
  return (out.SecurityGroupRules ?? [])
    .filter((r) => r.IsEgress === false)
    .map((r) => `${r.IpProtocol}:${r.FromPort}-${r.ToPort}:${r.CidrIpv4 ?? r.CidrIpv6}`)
    .sort();
}

describe('ec2.revoke-security-group-ingress parseParams', () => {
  it.each([
    [{ groupId: 'sg-1', ruleId: 'sgr-0123456789abcdef0', region: REGION }, 'groupId'],
    [{ groupId: 'sg-0123456789abcdef0', ruleId: 'rule', region: REGION }, 'ruleId'],
    [{ groupId: 'sg-0123456789abcdef0', ruleId: 'sgr-0123456789abcdef0' }, 'region'],
  ])('throws InvalidActionParamsError naming the param when params are %j', (params, param) => {
    expect(() => revokeSecurityGroupIngress.parseParams(params)).toThrow(InvalidActionParamsError);
    expect(() => revokeSecurityGroupIngress.parseParams(params)).toThrow(`param "${param}"`);
  });
});

describe('ec2.revoke-security-group-ingress execute and undo (moto)', () => {
  it('revokes only the world-open rule, and undo re-creates it', async () => {
    // Prepare
    const { groupId, worldRule } = await openGroup();
    const params = { groupId, ruleId: worldRule, region: REGION };
    const before = await ingress(groupId);
    // Act
    const done = await revokeSecurityGroupIngress.execute(params, ctx);
    const during = await ingress(groupId);
    const again = await revokeSecurityGroupIngress.execute(params, ctx);
    const undone = await revokeSecurityGroupIngress.undo(params, done.before, ctx);
    const after = await ingress(groupId);
    // Assess
    expect(before).toEqual(['tcp:22-22:0.0.0.0/0', 'tcp:443-443:10.0.0.0/8']);
    expect(done).toMatchObject({
      status: 'applied',
      before: {
        exists: true,
        rule: {
          ipProtocol: 'tcp',
          fromPort: 22,
          toPort: 22,
          cidrIpv4: '0.0.0.0/0',
          description: 'temporary debug',
        },
      },
      after: { exists: false },
    });
    expect(during).toEqual(['tcp:443-443:10.0.0.0/8']);
    expect(again).toMatchObject({ status: 'already-applied', before: { exists: false } });
    expect(undone).toMatchObject({
      status: 'applied',
      after: { exists: true, ruleId: expect.stringMatching(/^sgr-/) },
    });
    expect(after).toEqual(before);
  });

  it('leaves a rule alone that is no longer open to the world', async () => {
    // Prepare
    const { groupId, officeRule } = await openGroup();
    // Act
    const done = await revokeSecurityGroupIngress.execute(
      { groupId, ruleId: officeRule, region: REGION },
      ctx,
    );
    // Assess
    expect(done.status).toBe('already-applied');
    expect(done.message).toContain('no longer open to the world');
    expect(await ingress(groupId)).toContain('tcp:443-443:10.0.0.0/8');
  });

  it('refuses a rule id that belongs to another group, changing nothing', async () => {
    // Prepare
    const first = await openGroup();
    const second = await openGroup();
    // Act
    const act = revokeSecurityGroupIngress.execute(
      { groupId: second.groupId, ruleId: first.worldRule, region: REGION },
      ctx,
    );
    // Assess
    await expect(act).rejects.toThrow(PermanentActionError);
    expect(await ingress(first.groupId)).toContain('tcp:22-22:0.0.0.0/0');
  });
});
