import type { CloudTrailRecord, Principal } from './types';

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * Normalises `userIdentity` into who acted and which IAM identity stands behind it.
 * For assumed roles the identity is the session issuer (the role), which is what remediation acts on.
 */
export function principalOf(event: CloudTrailRecord): Principal {
  const identity = event.userIdentity ?? {};
  const type = str(identity.type) ?? 'Unknown';
  const arn = str(identity.arn);
  const accessKeyId = str(identity.accessKeyId);
  const accountId = str(identity.accountId) ?? str(event.recipientAccountId);
  const issuer = identity.sessionContext?.sessionIssuer;
  const base = { type, arn, accessKeyId, accountId };
  switch (type) {
    case 'IAMUser':
      return { ...base, identityArn: arn, identityType: 'user', identityName: str(identity.userName) };
    case 'Root':
      return { ...base, identityArn: arn, identityType: 'root', identityName: 'root' };
    case 'AssumedRole':
      if (str(issuer?.type) === 'Role') {
        return {
          ...base,
          identityArn: str(issuer?.arn),
          identityType: 'role',
          identityName: str(issuer?.userName),
        };
      }
      return { ...base, identityType: 'other' };
    case 'FederatedUser':
      // GetFederationToken sessions are issued by an IAM user, whose keys minted them.
      if (str(issuer?.type) === 'IAMUser') {
        return {
          ...base,
          identityArn: str(issuer?.arn),
          identityType: 'user',
          identityName: str(issuer?.userName),
        };
      }
      return { ...base, identityType: 'other' };
    default:
      return { ...base, identityType: 'other', identityName: str(identity.userName) };
  }
}

/** A short label for people: the identity name, else the ARN, else the type. */
export function principalLabel(principal: Principal): string {
  return principal.identityName ?? principal.arn ?? principal.type;
}
