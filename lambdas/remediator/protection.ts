import { GetGroupCommand, GetRoleCommand, GetUserCommand, type IAMClient } from '@aws-sdk/client-iam';
import { arnMatches } from '../engine/arn-pattern';

export { arnMatches };

/** Tag that protects a user or role from remediation, whatever the SSM list says. */
export const PROTECTED_TAG = { key: 'trailguard:protected', value: 'true' } as const;

/**
 * Principals never remediated whatever the configuration says: the root user, TrailGuard's own roles, the CDK
 * bootstrap and CloudFormation roles that deploy (and could repair) the account, and AWS service-linked roles.
 */
export function implicitProtectedPatterns(stackName: string | undefined): string[] {
  const patterns = [
    'arn:*:iam::*:root',
    'arn:*:iam::*:role/cdk-*',
    'arn:*:iam::*:role/*CloudFormation*',
    'arn:*:iam::*:role/aws-service-role/*',
    'arn:*:iam::*:role/OrganizationAccountAccessRole',
  ];
  if (stackName) patterns.push(`arn:*:iam::*:role/${stackName}-*`);
  return patterns;
}

export interface ProtectionVerdict {
  readonly protected: boolean;
  readonly reason?: string;
}

export interface PrincipalRef {
  /** Groups cannot be tagged: they are protected by pattern only. */
  readonly type: 'user' | 'role' | 'group' | 'root';
  readonly name: string;
  /** The ARN as known from the event or built from the name (may lack the IAM path). */
  readonly arn: string;
}

/**
 * Decides whether remediation may touch a principal. The real ARN (with its IAM path) and tags are read from IAM,
 * because a name from the event cannot match path-based patterns such as `role/breakglass/*`. If IAM cannot be
 * read, the answer is "protected": when in doubt, do not act.
 */
export async function checkProtection(
  iam: IAMClient,
  principal: PrincipalRef,
  patterns: readonly string[],
): Promise<ProtectionVerdict> {
  const direct = patterns.find((p) => arnMatches(p, principal.arn));
  if (direct) return { protected: true, reason: `matches protected pattern ${direct}` };
  if (principal.type === 'root')
    return { protected: true, reason: 'the account root user is always protected' };
  let arn: string | undefined;
  let tags: { Key?: string; Value?: string }[] = [];
  try {
    if (principal.type === 'user') {
      const out = await iam.send(new GetUserCommand({ UserName: principal.name }));
      arn = out.User?.Arn;
      tags = out.User?.Tags ?? [];
    } else if (principal.type === 'group') {
      const out = await iam.send(new GetGroupCommand({ GroupName: principal.name, MaxItems: 1 }));
      arn = out.Group?.Arn;
    } else {
      const out = await iam.send(new GetRoleCommand({ RoleName: principal.name }));
      arn = out.Role?.Arn;
      tags = out.Role?.Tags ?? [];
    }
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'NoSuchEntityException' || name === 'NoSuchEntity') {
      return { protected: false, reason: 'principal no longer exists' };
    }
    return {
      protected: true,
      reason: `could not read the principal from IAM (${name ?? 'error'}); not acting when in doubt`,
    };
  }
  if (arn) {
    const byPath = patterns.find((p) => arnMatches(p, arn));
    if (byPath) return { protected: true, reason: `${arn} matches protected pattern ${byPath}` };
  }
  if (tags.some((t) => t.Key === PROTECTED_TAG.key && t.Value?.toLowerCase() === PROTECTED_TAG.value)) {
    return { protected: true, reason: `tagged ${PROTECTED_TAG.key}=${PROTECTED_TAG.value}` };
  }
  return { protected: false };
}
