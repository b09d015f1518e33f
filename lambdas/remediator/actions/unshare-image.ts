import {
  DescribeImageAttributeCommand,
  type LaunchPermission,
  ModifyImageAttributeCommand,
} from '@aws-sdk/client-ec2';
import { removeShares, restoreShares, type Sharing } from './share-removal';
import { callAws, describeShares, REGION, requireParam, requireShareTargets } from './support';
import type { ActionContext, RemediationAction } from './types';

const ID = 'ec2.unshare-image';

export interface UnshareImageParams {
  readonly imageId: string;
  readonly region: string;
  /** `all` (public) and/or account ids to stop sharing with. */
  readonly sharedWith: readonly string[];
}

const IMAGE_ID = /^ami-[0-9a-f]{8,17}$/;

function permissions(targets: readonly string[]): LaunchPermission[] {
  return targets.map((t) => (t === 'all' ? { Group: 'all' } : { UserId: t }));
}

async function modify(
  params: UnshareImageParams,
  ctx: ActionContext,
  targets: readonly string[],
  operation: 'Add' | 'Remove',
): Promise<void> {
  await callAws(ID, `ModifyImageAttribute ${params.imageId} (${operation.toLowerCase()})`, () =>
    ctx.clients.ec2(params.region).send(
      new ModifyImageAttributeCommand({
        ImageId: params.imageId,
        LaunchPermission: { [operation]: permissions(targets) },
      }),
    ),
  );
}

const sharing: Sharing<UnshareImageParams> = {
  async read(params, ctx) {
    const out = await callAws(ID, `DescribeImageAttribute ${params.imageId}`, () =>
      ctx.clients
        .ec2(params.region)
        .send(new DescribeImageAttributeCommand({ ImageId: params.imageId, Attribute: 'launchPermission' })),
    );
    return (out.LaunchPermissions ?? []).flatMap((p) =>
      p.Group === 'all' ? ['all'] : p.UserId ? [p.UserId] : [],
    );
  },
  remove: (params, ctx, targets) => modify(params, ctx, targets, 'Remove'),
  add: (params, ctx, targets) => modify(params, ctx, targets, 'Add'),
  what: (params) => `AMI ${params.imageId} in ${params.region}`,
};

/**
 * Stops sharing an AMI publicly or with the listed accounts (launch permissions): a shared image can leak the
 * software, keys and data baked into it. Only the listed shares are removed; organisation and OU shares are
 * left alone. Undo shares again exactly what was removed.
 */
export const unshareImage: RemediationAction<UnshareImageParams, typeof ID> = {
  id: ID,
  reversible: true,
  disruptive: false,
  summary: 'Stop sharing an AMI publicly or with unknown accounts (undo shares it again)',

  parseParams(params) {
    return {
      imageId: requireParam(ID, params, 'imageId', IMAGE_ID, 'an AMI id (ami-…)'),
      region: requireParam(ID, params, 'region', REGION, 'an AWS region such as us-east-1'),
      sharedWith: requireShareTargets(ID, params),
    };
  },

  target(params, ctx) {
    return {
      resourceArn: `arn:${ctx.partition}:ec2:${params.region}::image/${params.imageId}`,
      description: `sharing of AMI ${params.imageId} in ${params.region} ${describeShares(params.sharedWith)}`,
    };
  },

  execute: (params, ctx) => removeShares(ID, sharing, params, params.sharedWith, ctx),
  undo: (params, before, ctx) => restoreShares(ID, sharing, params, before, ctx),
};
