import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupRulesCommand,
  type EC2Client,
  type IpPermission,
  RevokeSecurityGroupIngressCommand,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { callAws, REGION, requireParam } from './support';
import { PermanentActionError, type RemediationAction } from './types';

const ID = 'ec2.revoke-security-group-ingress';

export interface RevokeSecurityGroupIngressParams {
  readonly groupId: string;
  /** The rule the offending `AuthorizeSecurityGroupIngress` created (`responseElements.securityGroupRuleSet`). */
  readonly ruleId: string;
  readonly region: string;
}

/** What undo needs to create the rule again. */
export interface RecordedIngressRule {
  readonly ipProtocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly cidrIpv4?: string;
  readonly cidrIpv6?: string;
  readonly description?: string;
}

const GROUP_ID = /^sg-[0-9a-f]{8,17}$/;
const RULE_ID = /^sgr-[0-9a-f]{8,17}$/;

/** Prefix length 0: every address of the family. */
function isWorld(cidr: string | undefined): boolean {
  return cidr !== undefined && /\/0$/.test(cidr.trim());
}

async function describeRule(
  ec2: EC2Client,
  params: RevokeSecurityGroupIngressParams,
): Promise<SecurityGroupRule | undefined> {
  return callAws(ID, `DescribeSecurityGroupRules ${params.ruleId}`, async () => {
    try {
      const out = await ec2.send(
        new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [params.ruleId] }),
      );
      return out.SecurityGroupRules?.find((r) => r.SecurityGroupRuleId === params.ruleId);
    } catch (error) {
      if ((error as { name?: string }).name === 'InvalidSecurityGroupRuleId.NotFound') return undefined;
      throw error;
    }
  });
}

function recorded(rule: SecurityGroupRule): RecordedIngressRule {
  return {
    ipProtocol: rule.IpProtocol ?? '-1',
    fromPort: rule.FromPort,
    toPort: rule.ToPort,
    cidrIpv4: rule.CidrIpv4,
    cidrIpv6: rule.CidrIpv6,
    description: rule.Description,
  };
}

function parseRecordedRule(before: Record<string, unknown>): RecordedIngressRule {
  const rule = before.rule;
  const ok =
    typeof rule === 'object' &&
    rule !== null &&
    typeof (rule as RecordedIngressRule).ipProtocol === 'string' &&
    (typeof (rule as RecordedIngressRule).cidrIpv4 === 'string' ||
      typeof (rule as RecordedIngressRule).cidrIpv6 === 'string');
  if (!ok) {
    throw new PermanentActionError(
      `${ID}: cannot undo: the recorded before-state has no rule (got ${JSON.stringify(before).slice(0, 200)})`,
    );
  }
  return rule as RecordedIngressRule;
}

function permission(rule: RecordedIngressRule): IpPermission {
  const description =
    rule.description === undefined || rule.description === '' ? {} : { Description: rule.description };
  return {
    IpProtocol: rule.ipProtocol,
    FromPort: rule.ipProtocol === '-1' ? undefined : rule.fromPort,
    ToPort: rule.ipProtocol === '-1' ? undefined : rule.toPort,
    IpRanges: rule.cidrIpv4 === undefined ? undefined : [{ CidrIp: rule.cidrIpv4, ...description }],
    Ipv6Ranges: rule.cidrIpv6 === undefined ? undefined : [{ CidrIpv6: rule.cidrIpv6, ...description }],
  };
}

/**
 * Revokes exactly the ingress rule that opened a security group to the world, by its rule id: the group's other
 * rules are untouched. Acts only while the rule is still open to every address (someone may have narrowed it
 * since). The rule is recorded in full so undo can create it again (with a new rule id).
 */
export const revokeSecurityGroupIngress: RemediationAction<RevokeSecurityGroupIngressParams, typeof ID> = {
  id: ID,
  reversible: true,
  disruptive: true,
  summary: 'Revoke the one security group ingress rule opened to the world (undo re-creates it)',

  parseParams(params) {
    return {
      groupId: requireParam(ID, params, 'groupId', GROUP_ID, 'a security group id (sg-…)'),
      ruleId: requireParam(ID, params, 'ruleId', RULE_ID, 'a security group rule id (sgr-…)'),
      region: requireParam(ID, params, 'region', REGION, 'an AWS region such as us-east-1'),
    };
  },

  target(params, ctx) {
    return {
      resourceArn: `arn:${ctx.partition}:ec2:${params.region}:${ctx.accountId}:security-group-rule/${params.ruleId}`,
      description: `ingress rule ${params.ruleId} of security group ${params.groupId} in ${params.region}`,
    };
  },

  async execute(params, ctx) {
    const ec2 = ctx.clients.ec2(params.region);
    const rule = await describeRule(ec2, params);
    if (rule === undefined) {
      return {
        status: 'already-applied',
        before: { exists: false },
        after: { exists: false },
        message: `rule ${params.ruleId} no longer exists in security group ${params.groupId}`,
      };
    }
    if (rule.GroupId !== params.groupId || rule.IsEgress === true) {
      throw new PermanentActionError(
        `${ID}: rule ${params.ruleId} is not an ingress rule of security group ${params.groupId}; not revoking`,
      );
    }
    const before = { exists: true, rule: recorded(rule) };
    if (!isWorld(rule.CidrIpv4) && !isWorld(rule.CidrIpv6)) {
      return {
        status: 'already-applied',
        before,
        after: before,
        message: `rule ${params.ruleId} is no longer open to the world (now ${rule.CidrIpv4 ?? rule.CidrIpv6 ?? 'another source'}); left as it is`,
      };
    }
    await callAws(ID, `RevokeSecurityGroupIngress ${params.ruleId}`, () =>
      ec2.send(
        new RevokeSecurityGroupIngressCommand({
          GroupId: params.groupId,
          SecurityGroupRuleIds: [params.ruleId],
        }),
      ),
    );
    return {
      status: 'applied',
      before,
      after: { exists: false },
      message: `revoked ingress rule ${params.ruleId} (${rule.CidrIpv4 ?? rule.CidrIpv6}) of security group ${params.groupId}`,
    };
  },

  async undo(params, before, ctx) {
    if (before.exists !== true) {
      return {
        status: 'already-applied',
        before: {},
        after: {},
        message: `rule ${params.ruleId} did not exist before remediation; nothing to re-create`,
      };
    }
    const rule = parseRecordedRule(before);
    const ec2 = ctx.clients.ec2(params.region);
    try {
      const out = await callAws(ID, `AuthorizeSecurityGroupIngress on ${params.groupId}`, () =>
        ec2.send(
          new AuthorizeSecurityGroupIngressCommand({
            GroupId: params.groupId,
            IpPermissions: [permission(rule)],
          }),
        ),
      );
      const ruleId = out.SecurityGroupRules?.[0]?.SecurityGroupRuleId;
      return {
        status: 'applied',
        before: { exists: false },
        after: { exists: true, ruleId },
        message: `re-created the ingress rule on ${params.groupId} (${rule.cidrIpv4 ?? rule.cidrIpv6}) as ${ruleId ?? 'a new rule'}`,
      };
    } catch (error) {
      const cause = error instanceof PermanentActionError ? error.cause : error;
      if ((cause as { name?: string } | undefined)?.name === 'InvalidPermission.Duplicate') {
        return {
          status: 'already-applied',
          before: { exists: true },
          after: { exists: true },
          message: `security group ${params.groupId} already has that ingress rule`,
        };
      }
      throw error;
    }
  },
};
