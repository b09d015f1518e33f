import {
  DescribeDBClusterSnapshotAttributesCommand,
  DescribeDBSnapshotAttributesCommand,
  ModifyDBClusterSnapshotAttributeCommand,
  ModifyDBSnapshotAttributeCommand,
} from '@aws-sdk/client-rds';
import { removeShares, restoreShares, type Sharing } from './share-removal';
import { callAws, describeShares, REGION, requireParam, requireShareTargets } from './support';
import { type ActionContext, InvalidActionParamsError, type RemediationAction } from './types';

const ID = 'rds.unshare-snapshot';

export interface UnshareDbSnapshotParams {
  readonly snapshotIdentifier: string;
  /** `instance` (ModifyDBSnapshotAttribute) or `cluster` (ModifyDBClusterSnapshotAttribute, Aurora). */
  readonly snapshotType: 'instance' | 'cluster';
  readonly region: string;
  /** `all` (public) and/or account ids to stop sharing with. */
  readonly sharedWith: readonly string[];
}

/** RDS identifiers: a letter, then letters, digits and single hyphens, at most 255 characters. */
const SNAPSHOT_IDENTIFIER = /^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,254}$/;

async function modify(
  params: UnshareDbSnapshotParams,
  ctx: ActionContext,
  targets: readonly string[],
  operation: 'add' | 'remove',
): Promise<void> {
  const values = operation === 'add' ? { ValuesToAdd: [...targets] } : { ValuesToRemove: [...targets] };
  const rds = ctx.clients.rds(params.region);
  await callAws(
    ID,
    `Modify${params.snapshotType === 'cluster' ? 'DBCluster' : 'DB'}SnapshotAttribute ${params.snapshotIdentifier} (${operation})`,
    () =>
      params.snapshotType === 'cluster'
        ? rds.send(
            new ModifyDBClusterSnapshotAttributeCommand({
              DBClusterSnapshotIdentifier: params.snapshotIdentifier,
              AttributeName: 'restore',
              ...values,
            }),
          )
        : rds.send(
            new ModifyDBSnapshotAttributeCommand({
              DBSnapshotIdentifier: params.snapshotIdentifier,
              AttributeName: 'restore',
              ...values,
            }),
          ),
  );
}

const sharing: Sharing<UnshareDbSnapshotParams> = {
  async read(params, ctx) {
    const rds = ctx.clients.rds(params.region);
    const attributes = await callAws(
      ID,
      `Describe snapshot attributes of ${params.snapshotIdentifier}`,
      async () =>
        params.snapshotType === 'cluster'
          ? (
              await rds.send(
                new DescribeDBClusterSnapshotAttributesCommand({
                  DBClusterSnapshotIdentifier: params.snapshotIdentifier,
                }),
              )
            ).DBClusterSnapshotAttributesResult?.DBClusterSnapshotAttributes
          : (
              await rds.send(
                new DescribeDBSnapshotAttributesCommand({ DBSnapshotIdentifier: params.snapshotIdentifier }),
              )
            ).DBSnapshotAttributesResult?.DBSnapshotAttributes,
    );
    return (attributes ?? [])
      .filter((a) => a.AttributeName === 'restore')
      .flatMap((a) => a.AttributeValues ?? []);
  },
  remove: (params, ctx, targets) => modify(params, ctx, targets, 'remove'),
  add: (params, ctx, targets) => modify(params, ctx, targets, 'add'),
  what: (params) =>
    `RDS ${params.snapshotType === 'cluster' ? 'cluster ' : ''}snapshot ${params.snapshotIdentifier} in ${params.region}`,
};

/**
 * Stops sharing a manual RDS DB snapshot or DB cluster snapshot publicly or with the listed accounts (the `restore`
 * attribute): whoever it is shared with can restore the whole database. Only the listed shares are removed. Undo
 * shares again exactly what was removed.
 */
export const unshareDbSnapshot: RemediationAction<UnshareDbSnapshotParams, typeof ID> = {
  id: ID,
  reversible: true,
  disruptive: false,
  summary: 'Stop sharing an RDS snapshot publicly or with unknown accounts (undo shares it again)',

  parseParams(params) {
    const snapshotType = params.snapshotType ?? 'instance';
    if (snapshotType !== 'instance' && snapshotType !== 'cluster') {
      throw new InvalidActionParamsError(ID, 'snapshotType', 'must be "instance" or "cluster"');
    }
    return {
      snapshotIdentifier: requireParam(
        ID,
        params,
        'snapshotIdentifier',
        SNAPSHOT_IDENTIFIER,
        'an RDS snapshot identifier (a letter, then letters, digits and hyphens)',
      ),
      snapshotType,
      region: requireParam(ID, params, 'region', REGION, 'an AWS region such as us-east-1'),
      sharedWith: requireShareTargets(ID, params),
    };
  },

  target(params, ctx) {
    const kind = params.snapshotType === 'cluster' ? 'cluster-snapshot' : 'snapshot';
    return {
      resourceArn: `arn:${ctx.partition}:rds:${params.region}:${ctx.accountId}:${kind}:${params.snapshotIdentifier}`,
      description: `sharing of ${sharing.what(params)} ${describeShares(params.sharedWith)}`,
    };
  },

  execute: (params, ctx) => removeShares(ID, sharing, params, params.sharedWith, ctx),
  undo: (params, before, ctx) => restoreShares(ID, sharing, params, before, ctx),
};
