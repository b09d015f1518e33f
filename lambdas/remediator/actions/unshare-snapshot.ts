import { DescribeSnapshotAttributeCommand, ModifySnapshotAttributeCommand } from '@aws-sdk/client-ec2';
import { removeShares, restoreShares, type Sharing } from './share-removal';
import { callAws, describeShares, REGION, requireParam, requireShareTargets } from './support';
import type { ActionContext, RemediationAction } from './types';

const ID = 'ec2.unshare-snapshot';

export interface UnshareSnapshotParams {
  readonly snapshotId: string;
  readonly region: string;
  /** `all` (public) and/or account ids to stop sharing with. */
  readonly sharedWith: readonly string[];
}

const SNAPSHOT_ID = /^snap-[0-9a-f]{8,17}$/;

const sharing: Sharing<UnshareSnapshotParams> = {
  async read(params, ctx) {
    const out = await callAws(ID, `DescribeSnapshotAttribute ${params.snapshotId}`, () =>
      ctx.clients.ec2(params.region).send(
        new DescribeSnapshotAttributeCommand({
          SnapshotId: params.snapshotId,
          Attribute: 'createVolumePermission',
        }),
      ),
    );
    return (out.CreateVolumePermissions ?? []).flatMap((p) =>
      p.Group === 'all' ? ['all'] : p.UserId ? [p.UserId] : [],
    );
  },
  async remove(params, ctx, targets) {
    await modify(params, ctx, targets, 'remove');
  },
  async add(params, ctx, targets) {
    await modify(params, ctx, targets, 'add');
  },
  what: (params) => `EBS snapshot ${params.snapshotId} in ${params.region}`,
};

async function modify(
  params: UnshareSnapshotParams,
  ctx: ActionContext,
  targets: readonly string[],
  operation: 'add' | 'remove',
): Promise<void> {
  const accounts = targets.filter((t) => t !== 'all');
  await callAws(ID, `ModifySnapshotAttribute ${params.snapshotId} (${operation})`, () =>
    ctx.clients.ec2(params.region).send(
      new ModifySnapshotAttributeCommand({
        SnapshotId: params.snapshotId,
        Attribute: 'createVolumePermission',
        OperationType: operation,
        GroupNames: targets.includes('all') ? ['all'] : undefined,
        UserIds: accounts.length > 0 ? accounts : undefined,
      }),
    ),
  );
}

/**
 * Stops sharing an EBS snapshot publicly or with the listed accounts: anyone it is shared with can create a volume
 * from it and read the data. Only the listed shares are removed. Undo shares again exactly what was removed.
 */
export const unshareSnapshot: RemediationAction<UnshareSnapshotParams, typeof ID> = {
  id: ID,
  reversible: true,
  disruptive: false,
  summary: 'Stop sharing an EBS snapshot publicly or with unknown accounts (undo shares it again)',

  parseParams(params) {
    return {
      snapshotId: requireParam(ID, params, 'snapshotId', SNAPSHOT_ID, 'an EBS snapshot id (snap-…)'),
      region: requireParam(ID, params, 'region', REGION, 'an AWS region such as us-east-1'),
      sharedWith: requireShareTargets(ID, params),
    };
  },

  target(params, ctx) {
    return {
      resourceArn: `arn:${ctx.partition}:ec2:${params.region}::snapshot/${params.snapshotId}`,
      description: `sharing of EBS snapshot ${params.snapshotId} in ${params.region} ${describeShares(params.sharedWith)}`,
    };
  },

  execute: (params, ctx) => removeShares(ID, sharing, params, params.sharedWith, ctx),
  undo: (params, before, ctx) => restoreShares(ID, sharing, params, before, ctx),
};
