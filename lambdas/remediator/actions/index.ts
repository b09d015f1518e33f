import type { ActionId } from '../../engine/types';
import { deleteLoginProfile } from './delete-login-profile';
import { detachAdminPolicy } from './detach-admin-policy';
import { disableAccessKey } from './disable-access-key';
import { putPublicAccessBlock } from './put-public-access-block';
import { quarantinePrincipal } from './quarantine-principal';
import { restoreRoleTrustPolicy } from './restore-role-trust-policy';
import { revokeRoleSessions } from './revoke-role-sessions';
import { revokeSecurityGroupIngress } from './revoke-security-group-ingress';
import { startLogging } from './start-logging';
import { type RemediationAction, UnknownActionError } from './types';
import { unshareDbSnapshot } from './unshare-db-snapshot';
import { unshareImage } from './unshare-image';
import { unshareSnapshot } from './unshare-snapshot';

export type { DeleteLoginProfileParams } from './delete-login-profile';
export type { DetachAdminPolicyParams } from './detach-admin-policy';
export type { DisableAccessKeyParams } from './disable-access-key';
export type { PutPublicAccessBlockParams } from './put-public-access-block';
export type { QuarantinePrincipalParams } from './quarantine-principal';
export type { RestoreRoleTrustPolicyParams } from './restore-role-trust-policy';
export type { RevokeRoleSessionsParams } from './revoke-role-sessions';
export type { RevokeSecurityGroupIngressParams } from './revoke-security-group-ingress';
export type { StartLoggingParams } from './start-logging';
export * from './types';
export type { UnshareDbSnapshotParams } from './unshare-db-snapshot';
export type { UnshareImageParams } from './unshare-image';
export type { UnshareSnapshotParams } from './unshare-snapshot';

/** Every action, by id. The mapped type makes a missing id, or an action filed under the wrong id, a compile error. */
const REGISTRY: { readonly [K in ActionId]: RemediationAction<unknown, K> } = {
  'iam.disable-access-key': disableAccessKey,
  'iam.quarantine-principal': quarantinePrincipal,
  'cloudtrail.start-logging': startLogging,
  'iam.revoke-role-sessions': revokeRoleSessions,
  'iam.delete-login-profile': deleteLoginProfile,
  'iam.detach-admin-policy': detachAdminPolicy,
  'iam.restore-role-trust-policy': restoreRoleTrustPolicy,
  'ec2.revoke-security-group-ingress': revokeSecurityGroupIngress,
  's3.put-public-access-block': putPublicAccessBlock,
  'ec2.unshare-snapshot': unshareSnapshot,
  'ec2.unshare-image': unshareImage,
  'rds.unshare-snapshot': unshareDbSnapshot,
};

export const ACTIONS: Readonly<Record<ActionId, RemediationAction<unknown>>> = REGISTRY;

export function isActionId(id: string): id is ActionId {
  return Object.hasOwn(ACTIONS, id);
}

/** The action for `id`; throws UnknownActionError for ids this version does not know (e.g. from a newer plan). */
export function getAction(id: string): RemediationAction<unknown> {
  if (!isActionId(id)) {
    throw new UnknownActionError(`unknown remediation action ${JSON.stringify(id.slice(0, 100))}`);
  }
  return ACTIONS[id];
}
