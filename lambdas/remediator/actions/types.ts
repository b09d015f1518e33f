import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ActionId } from '../../engine/types';

/** SDK clients the actions use, created once at module scope by the handler. */
export interface ActionClients {
  readonly iam: IAMClient;
  /** A CloudTrail client for `region` (trails are regional; StartLogging must run in the trail's home region). */
  cloudTrail(region: string): CloudTrailClient;
  /** Regional clients for the resource actions: security groups, snapshots and images live in one region. */
  ec2(region: string): EC2Client;
  rds(region: string): RDSClient;
  s3(region: string): S3Client;
}

export interface ActionContext {
  readonly clients: ActionClients;
  /** The stack-owned deny-all managed policy attached by `iam.quarantine-principal`. */
  readonly quarantinePolicyArn: string;
  readonly accountId: string;
  /** ARN partition, e.g. `aws`. */
  readonly partition: string;
  /** Clock for time-stamped changes (the revoke-sessions cut-off). @default () => new Date() */
  readonly now?: () => Date;
}

/** What an action will touch, for the protected-principal guard (the remediator refuses protected targets). */
export interface ActionTarget {
  /**
   * ARN of the IAM principal the action changes, built from the step params. IAM paths are not in the params,
   * so this ARN has none (`user/alice`, not `user/ops/alice`): guards should also match on
   * `principalType` + `principalName`.
   */
  readonly principalArn?: string;
  readonly principalType?: 'user' | 'role' | 'group';
  readonly principalName?: string;
  readonly resourceArn?: string;
  readonly description: string;
}

export interface ActionOutcome {
  readonly status: 'applied' | 'already-applied';
  readonly before: Record<string, unknown>;
  readonly after: Record<string, unknown>;
  readonly message: string;
}

export interface RemediationAction<P, Id extends ActionId = ActionId> {
  readonly id: Id;
  /** Whether `undo` can put things back as they were (false: e.g. a deleted password cannot be recovered). */
  readonly reversible: boolean;
  /** Whether applying it can break legitimate workloads (e.g. disabling a key an app uses). */
  readonly disruptive: boolean;
  readonly summary: string;
  /** Validates step params (strings from the plan, derived from untrusted events); throws InvalidActionParamsError naming the param. */
  parseParams(params: Readonly<Record<string, string>>): P;
  target(params: P, ctx: Pick<ActionContext, 'accountId' | 'partition'>): ActionTarget;
  /** Idempotent: reads the before-state first; if already in the desired state returns 'already-applied' without writing. */
  execute(params: P, ctx: ActionContext): Promise<ActionOutcome>;
  /**
   * Reverses execute using the recorded before-state (e.g. re-activate only if it was Active before), and the
   * recorded after-state where the action must check nobody changed the resource since. Idempotent too. Throws
   * PermanentActionError for actions that cannot be reversed.
   */
  undo(
    params: P,
    before: Record<string, unknown>,
    ctx: ActionContext,
    after?: Record<string, unknown>,
  ): Promise<ActionOutcome>;
}

/** A step's params are missing or malformed. Permanent: the plan itself is wrong. */
export class InvalidActionParamsError extends Error {
  override readonly name = 'InvalidActionParamsError';

  constructor(
    readonly actionId: ActionId,
    readonly param: string,
    problem: string,
  ) {
    super(`${actionId}: param "${param}" ${problem}`);
  }
}

/** The target does not exist or the request can never succeed: record and do not retry. */
export class PermanentActionError extends Error {
  override readonly name = 'PermanentActionError';
}

/**
 * The write was accepted but the read-back does not show the desired state yet. Transient: retrying
 * `execute` is safe because it is idempotent.
 */
export class ActionVerificationError extends Error {
  override readonly name = 'ActionVerificationError';
}

/** No action is registered under this id (e.g. a finding from a newer TrailGuard version). */
export class UnknownActionError extends Error {
  override readonly name = 'UnknownActionError';
}

/**
 * Error codes (with any `Exception` suffix removed) that retrying cannot fix: the target is gone, the request
 * is malformed, or the account will not allow it. `LimitExceeded` is here because in IAM it means a quota
 * (e.g. the principal already has the maximum number of managed policies attached), not a rate.
 * `AccessDenied` is here because a missing grant or an SCP will not change between retries; it must be
 * recorded and alerted, not left to a DLQ.
 */
const PERMANENT_ERROR_CODES: ReadonlySet<string> = new Set([
  'AccessDenied',
  'AuthFailure',
  'InvalidAMIID.Malformed',
  'InvalidAMIID.Unavailable',
  'InvalidBucketName',
  'InvalidDBClusterSnapshotStateFault',
  'InvalidDBSnapshotState',
  'InvalidDBSnapshotStateFault',
  'InvalidGroup.Malformed',
  'InvalidID',
  'InvalidPermission.Malformed',
  'InvalidSnapshot.Malformed',
  'NoSuchBucket',
  'SharedSnapshotQuotaExceeded',
  'SharedSnapshotQuotaExceededFault',
  'CloudTrailARNInvalid',
  'InsufficientDependencyServiceAccessPermission',
  'InvalidHomeRegion',
  'InvalidInput',
  'InvalidParameter',
  'InvalidParameterCombination',
  'InvalidParameterValue',
  'InvalidTrailName',
  'LimitExceeded',
  'MalformedPolicyDocument',
  'MissingParameter',
  'NoSuchEntity',
  'NotOrganizationMasterAccount',
  'OperationNotPermitted',
  'TrailNotFound',
  'UnauthorizedOperation',
  'UnmodifiableEntity',
  'UnsupportedOperation',
  'Validation',
  'ValidationError',
]);

interface SdkErrorShape {
  name?: unknown;
  Code?: unknown;
  $retryable?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/** The service's error code: modeled SDK errors carry it as `name` (`NoSuchEntityException`), unmodeled ones as `Code`. */
function errorCode(error: SdkErrorShape): string | undefined {
  const code =
    typeof error.Code === 'string' ? error.Code : typeof error.name === 'string' ? error.name : undefined;
  return code?.replace(/Exception$/, '');
}

/**
 * Whether retrying the failed call can help. Throttling, 5xx, network and unknown errors are transient
 * (the caller retries, then the message goes to the DLQ); see {@link PERMANENT_ERROR_CODES} for the rest.
 */
export function classifyAwsError(error: unknown): 'permanent' | 'transient' {
  if (
    error instanceof PermanentActionError ||
    error instanceof InvalidActionParamsError ||
    error instanceof UnknownActionError
  ) {
    return 'permanent';
  }
  if (typeof error !== 'object' || error === null) return 'transient';
  const shape = error as SdkErrorShape;
  const status = shape.$metadata?.httpStatusCode;
  if (
    shape.$retryable !== undefined ||
    shape.$fault === 'server' ||
    (typeof status === 'number' && status >= 500)
  ) {
    return 'transient';
  }
  const code = errorCode(shape);
  if (code === undefined) return 'transient';
  // EC2 `InvalidSnapshot.NotFound`, RDS `DBSnapshotNotFoundFault`, `InvalidSecurityGroupRuleId.NotFound`...:
  // the resource is gone, and will not come back by retrying.
  if (/NotFound(Fault)?$/.test(code)) return 'permanent';
  return PERMANENT_ERROR_CODES.has(code) ? 'permanent' : 'transient';
}
