import type { RemediationStep } from '../engine/types';

/** Quotes a value for a POSIX shell: the values come from CloudTrail and are attacker-controlled. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_.,:/@+=-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The inline policy `iam.revoke-role-sessions` puts on a role. */
export const REVOKE_SESSIONS_POLICY = 'TrailGuardRevokeOlderSessions';

/** Where a recorded step lives, for undo commands that must read the audit trail (`trailguard undo`). */
export interface StepRef {
  readonly findingId: string;
  readonly stepKey: string;
  /** The audit table; printed as `--table` when known. */
  readonly auditTable?: string;
}

export interface UndoContext {
  /** The step's recorded before-state: some undos depend on it (the flags a bucket had, the shares removed). */
  readonly before?: Record<string, unknown>;
  /** Given once the step is recorded: steps no single AWS CLI command can reverse point at `trailguard undo`. */
  readonly ref?: StepRef;
}

/**
 * The shell command that reverses a step: an AWS CLI command when one shell-safe command can, else
 * `trailguard undo <finding>/<step>` (which reads the before-state from the audit table) when the step's record is
 * known, else undefined (incomplete params, an irreversible action, or nothing known yet).
 * `quarantinePolicyArn` is needed for the quarantine detach command.
 */
export function undoCommand(
  step: RemediationStep,
  quarantinePolicyArn?: string,
  context: UndoContext = {},
): string | undefined {
  return awsUndoCommand(step, quarantinePolicyArn, context.before) ?? trailguardUndo(step, context.ref);
}

function trailguardUndo(step: RemediationStep, ref: StepRef | undefined): string | undefined {
  // Irreversible: no command would bring the password back.
  if (ref === undefined || step.action === 'iam.delete-login-profile') return undefined;
  const table = ref.auditTable === undefined ? '' : ` --table ${shellQuote(ref.auditTable)}`;
  return `trailguard undo ${shellQuote(`${ref.findingId}/${ref.stepKey}`)}${table}`;
}

const region = (r: string | undefined) => (r ? ` --region ${shellQuote(r)}` : '');

function awsUndoCommand(
  step: RemediationStep,
  quarantinePolicyArn: string | undefined,
  before: Record<string, unknown> | undefined,
): string | undefined {
  const p = step.params;
  switch (step.action) {
    case 'iam.disable-access-key':
      if (!p.userName || !p.accessKeyId) return undefined;
      return `aws iam update-access-key --user-name ${shellQuote(p.userName)} --access-key-id ${shellQuote(p.accessKeyId)} --status Active`;
    case 'iam.quarantine-principal': {
      const policyArn = typeof before?.policyArn === 'string' ? before.policyArn : quarantinePolicyArn;
      if (!p.principalName || !policyArn) return undefined;
      const kind = p.principalType === 'role' ? 'role' : 'user';
      return `aws iam detach-${kind}-policy --${kind}-name ${shellQuote(p.principalName)} --policy-arn ${shellQuote(policyArn)}`;
    }
    case 'cloudtrail.start-logging':
      if (!p.trail) return undefined;
      return `aws cloudtrail stop-logging --name ${shellQuote(p.trail)}${region(p.region)}`;
    case 'iam.revoke-role-sessions':
      // An earlier revocation document (recorded as before.policy) must be put back, not deleted: trailguard undo.
      if (!p.roleName || (before !== undefined && before.policy !== null)) return undefined;
      return `aws iam delete-role-policy --role-name ${shellQuote(p.roleName)} --policy-name ${REVOKE_SESSIONS_POLICY}`;
    case 'iam.detach-admin-policy': {
      const kind = p.principalType;
      if (!p.principalName || !p.policyArn || (kind !== 'user' && kind !== 'role' && kind !== 'group')) {
        return undefined;
      }
      return `aws iam attach-${kind}-policy --${kind}-name ${shellQuote(p.principalName)} --policy-arn ${shellQuote(p.policyArn)}`;
    }
    case 'ec2.revoke-security-group-ingress':
      return authorizeAgain(p, before);
    case 's3.put-public-access-block':
      return restoreBlock(p, before);
    case 'ec2.unshare-snapshot': {
      const removed = removedShares(before);
      if (!p.snapshotId || removed === undefined) return undefined;
      return (
        `aws ec2 modify-snapshot-attribute --snapshot-id ${shellQuote(p.snapshotId)} --attribute createVolumePermission ` +
        `--operation-type add${shares(removed, '--group-names', '--user-ids')}${region(p.region)}`
      );
    }
    case 'ec2.unshare-image': {
      const removed = removedShares(before);
      if (!p.imageId || removed === undefined) return undefined;
      return (
        `aws ec2 modify-image-attribute --image-id ${shellQuote(p.imageId)} --attribute launchPermission ` +
        `--operation-type add${shares(removed, '--user-groups', '--user-ids')}${region(p.region)}`
      );
    }
    case 'rds.unshare-snapshot': {
      const removed = removedShares(before);
      if (!p.snapshotIdentifier || removed === undefined) return undefined;
      const values = removed.map(shellQuote).join(' ');
      return p.snapshotType === 'cluster'
        ? `aws rds modify-db-cluster-snapshot-attribute --db-cluster-snapshot-identifier ${shellQuote(p.snapshotIdentifier)} --attribute-name restore --values-to-add ${values}${region(p.region)}`
        : `aws rds modify-db-snapshot-attribute --db-snapshot-identifier ${shellQuote(p.snapshotIdentifier)} --attribute-name restore --values-to-add ${values}${region(p.region)}`;
    }
    default:
      // iam.restore-role-trust-policy (a JSON document is no safe shell word), iam.delete-login-profile (irreversible).
      return undefined;
  }
}

/** The shares the step removed, when it removed any. */
function removedShares(before: Record<string, unknown> | undefined): string[] | undefined {
  const removed = before?.removed;
  if (!Array.isArray(removed) || removed.length === 0) return undefined;
  return removed.every((r): r is string => typeof r === 'string' && /^(all|\d{12})$/.test(r))
    ? removed
    : undefined;
}

function shares(targets: readonly string[], groupFlag: string, userFlag: string): string {
  const accounts = targets.filter((t) => t !== 'all');
  return (
    (targets.includes('all') ? ` ${groupFlag} all` : '') +
    (accounts.length > 0 ? ` ${userFlag} ${accounts.join(' ')}` : '')
  );
}

/** `authorize-security-group-ingress` in its simple form (IPv4, TCP/UDP port ranges or all traffic) only. */
function authorizeAgain(p: Readonly<Record<string, string>>, before: Record<string, unknown> | undefined) {
  const rule = before?.rule as Record<string, unknown> | undefined;
  if (!p.groupId || typeof rule !== 'object' || rule === null || typeof rule.cidrIpv4 !== 'string')
    return undefined;
  const cidr = shellQuote(rule.cidrIpv4);
  const target = `aws ec2 authorize-security-group-ingress --group-id ${shellQuote(p.groupId)}`;
  if (rule.ipProtocol === '-1') return `${target} --protocol all --cidr ${cidr}${region(p.region)}`;
  const { fromPort, toPort } = rule;
  if ((rule.ipProtocol !== 'tcp' && rule.ipProtocol !== 'udp') || typeof fromPort !== 'number')
    return undefined;
  const ports =
    typeof toPort === 'number' && toPort !== fromPort ? `${fromPort}-${toPort}` : String(fromPort);
  return `${target} --protocol ${rule.ipProtocol} --port ${ports} --cidr ${cidr}${region(p.region)}`;
}

const BLOCK_FLAGS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'];

function restoreBlock(p: Readonly<Record<string, string>>, before: Record<string, unknown> | undefined) {
  if (!p.bucket || before === undefined || !('configuration' in before)) return undefined;
  const config = before.configuration;
  if (config === null)
    return `aws s3api delete-public-access-block --bucket ${shellQuote(p.bucket)}${region(p.region)}`;
  if (typeof config !== 'object') return undefined;
  const flags = BLOCK_FLAGS.map((f) => `${f}=${(config as Record<string, unknown>)[f] === true}`).join(',');
  return `aws s3api put-public-access-block --bucket ${shellQuote(p.bucket)} --public-access-block-configuration ${flags}${region(p.region)}`;
}
