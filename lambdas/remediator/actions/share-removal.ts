import type { ActionId } from '../../engine/types';
import { describeShares, recordedStrings } from './support';
import { type ActionContext, type ActionOutcome, ActionVerificationError } from './types';

/** How one kind of resource (EBS snapshot, AMI, RDS snapshot) is shared, read and changed. */
export interface Sharing<P> {
  /** Who it is shared with now: `all` (public) and account ids. */
  read(params: P, ctx: ActionContext): Promise<string[]>;
  remove(params: P, ctx: ActionContext, targets: readonly string[]): Promise<void>;
  add(params: P, ctx: ActionContext, targets: readonly string[]): Promise<void>;
  /** "EBS snapshot snap-… in eu-west-1", for messages. */
  what(params: P): string;
}

/**
 * Removes the listed shares (`all` and/or account ids) that are still in place, and only those: shares with
 * accounts not listed (the organisation's own backup account, say) are left alone. Reads back to verify.
 */
export async function removeShares<P>(
  actionId: ActionId,
  sharing: Sharing<P>,
  params: P,
  targets: readonly string[],
  ctx: ActionContext,
): Promise<ActionOutcome> {
  const current = await sharing.read(params, ctx);
  const present = targets.filter((t) => current.includes(t));
  if (present.length === 0) {
    return {
      status: 'already-applied',
      before: { sharedWith: current, removed: [] },
      after: { sharedWith: current },
      message: `${sharing.what(params)} is no longer shared ${describeShares(targets)}`,
    };
  }
  await sharing.remove(params, ctx, present);
  const now = await sharing.read(params, ctx);
  if (present.some((t) => now.includes(t))) {
    throw new ActionVerificationError(
      `${actionId}: the unshare call succeeded but ${sharing.what(params)} is still shared ${describeShares(present.filter((t) => now.includes(t)))}`,
    );
  }
  return {
    status: 'applied',
    before: { sharedWith: current, removed: present },
    after: { sharedWith: now },
    message: `stopped sharing ${sharing.what(params)} ${describeShares(present)}`,
  };
}

/** Shares again exactly what the remediation removed (recorded as `removed`). */
export async function restoreShares<P>(
  actionId: ActionId,
  sharing: Sharing<P>,
  params: P,
  before: Record<string, unknown>,
  ctx: ActionContext,
): Promise<ActionOutcome> {
  const removed = recordedStrings(actionId, before, 'removed');
  const current = await sharing.read(params, ctx);
  const missing = removed.filter((t) => !current.includes(t));
  if (missing.length === 0) {
    return {
      status: 'already-applied',
      before: { sharedWith: current },
      after: { sharedWith: current },
      message:
        removed.length === 0
          ? `remediation removed no share from ${sharing.what(params)}; nothing to restore`
          : `${sharing.what(params)} is already shared ${describeShares(removed)}`,
    };
  }
  await sharing.add(params, ctx, missing);
  return {
    status: 'applied',
    before: { sharedWith: current },
    after: { sharedWith: [...current, ...missing] },
    message: `shared ${sharing.what(params)} ${describeShares(missing)} again`,
  };
}
