import type { ActionId } from '../engine/types';

/**
 * Whether each action may run at all, before any rule's mode is considered (`<prefix>/remediation/actions/<id>/enabled`).
 * Pure data, shared by the run-time configuration and the stack's default parameters.
 *
 * Everything reversible is on: the rule's mode decides. `iam.delete-login-profile` is off: a deleted console
 * password cannot be restored, so an operator must opt in, even for rules in enforce mode.
 */
export const ACTION_ENABLED_BY_DEFAULT: Readonly<Record<ActionId, boolean>> = {
  'iam.disable-access-key': true,
  'iam.quarantine-principal': true,
  'cloudtrail.start-logging': true,
  'iam.revoke-role-sessions': true,
  'iam.delete-login-profile': false,
  'iam.detach-admin-policy': true,
  'iam.restore-role-trust-policy': true,
  'ec2.revoke-security-group-ingress': true,
  's3.put-public-access-block': true,
  'ec2.unshare-snapshot': true,
  'ec2.unshare-image': true,
  'rds.unshare-snapshot': true,
};

/** Blast-radius limit: actions per account per rolling hour, and the range an operator may set. */
export const MAX_ACTIONS_PER_HOUR = { default: 10, min: 1, max: 1000 } as const;
