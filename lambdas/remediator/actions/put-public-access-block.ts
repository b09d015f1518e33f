import {
  DeletePublicAccessBlockCommand,
  GetPublicAccessBlockCommand,
  type PublicAccessBlockConfiguration,
  PutPublicAccessBlockCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { callAws, REGION, requireParam } from './support';
import { ActionVerificationError, PermanentActionError, type RemediationAction } from './types';

const ID = 's3.put-public-access-block';

export interface PutPublicAccessBlockParams {
  readonly bucket: string;
  /** The bucket's region (the event's `awsRegion`). */
  readonly region: string;
}

export const BLOCK_FLAGS = [
  'BlockPublicAcls',
  'IgnorePublicAcls',
  'BlockPublicPolicy',
  'RestrictPublicBuckets',
] as const;
type Flags = Record<(typeof BLOCK_FLAGS)[number], boolean>;

const ALL_ON: Flags = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};

/** S3 bucket names: 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function flags(config: PublicAccessBlockConfiguration | undefined): Flags {
  return {
    BlockPublicAcls: config?.BlockPublicAcls === true,
    IgnorePublicAcls: config?.IgnorePublicAcls === true,
    BlockPublicPolicy: config?.BlockPublicPolicy === true,
    RestrictPublicBuckets: config?.RestrictPublicBuckets === true,
  };
}

/** The bucket's Block Public Access flags, or null when it has no configuration at all. */
async function readBlock(s3: S3Client, bucket: string): Promise<Flags | null> {
  return callAws(ID, `GetPublicAccessBlock ${bucket}`, async () => {
    try {
      const out = await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }));
      return flags(out.PublicAccessBlockConfiguration);
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchPublicAccessBlockConfiguration') return null;
      throw error;
    }
  });
}

const allOn = (f: Flags | null) => f !== null && BLOCK_FLAGS.every((k) => f[k]);
const same = (a: Flags | null, b: Flags | null) =>
  a === null || b === null ? a === b : BLOCK_FLAGS.every((k) => a[k] === b[k]);

function parseRecorded(before: Record<string, unknown>): Flags | null {
  const value = before.configuration;
  if (value === null) return null;
  if (
    typeof value === 'object' &&
    BLOCK_FLAGS.every((k) => typeof (value as Record<string, unknown>)[k] === 'boolean')
  ) {
    const recorded = value as Flags;
    return {
      BlockPublicAcls: recorded.BlockPublicAcls,
      IgnorePublicAcls: recorded.IgnorePublicAcls,
      BlockPublicPolicy: recorded.BlockPublicPolicy,
      RestrictPublicBuckets: recorded.RestrictPublicBuckets,
    };
  }
  throw new PermanentActionError(
    `${ID}: cannot undo: the recorded before-state has no configuration (got ${JSON.stringify(before).slice(0, 200)})`,
  );
}

/**
 * Turns all four S3 Block Public Access flags back on for a bucket whose block was removed or weakened. Not
 * disruptive for private buckets; a bucket meant to be public (a website) stops being public, which is why the
 * rule defaults to alert. Undo puts back exactly the recorded configuration (or deletes it if there was none).
 */
export const putPublicAccessBlock: RemediationAction<PutPublicAccessBlockParams, typeof ID> = {
  id: ID,
  reversible: true,
  disruptive: true,
  summary: 'Re-apply all four S3 Block Public Access flags on a bucket (undo restores the recorded ones)',

  parseParams(params) {
    return {
      bucket: requireParam(ID, params, 'bucket', BUCKET, 'an S3 bucket name'),
      region: requireParam(ID, params, 'region', REGION, 'an AWS region such as us-east-1'),
    };
  },

  target(params, ctx) {
    return {
      resourceArn: `arn:${ctx.partition}:s3:::${params.bucket}`,
      description: `S3 Block Public Access of bucket ${params.bucket}`,
    };
  },

  async execute(params, ctx) {
    const s3 = ctx.clients.s3(params.region);
    const current = await readBlock(s3, params.bucket);
    if (allOn(current)) {
      return {
        status: 'already-applied',
        before: { configuration: current },
        after: { configuration: current },
        message: `bucket ${params.bucket} already blocks all public access`,
      };
    }
    await callAws(ID, `PutPublicAccessBlock ${params.bucket}`, () =>
      s3.send(
        new PutPublicAccessBlockCommand({
          Bucket: params.bucket,
          PublicAccessBlockConfiguration: { ...ALL_ON },
        }),
      ),
    );
    if (!allOn(await readBlock(s3, params.bucket))) {
      throw new ActionVerificationError(
        `${ID}: PutPublicAccessBlock succeeded but bucket ${params.bucket} does not show all four flags on yet`,
      );
    }
    return {
      status: 'applied',
      before: { configuration: current },
      after: { configuration: { ...ALL_ON } },
      message: `turned all four Block Public Access flags on for bucket ${params.bucket}`,
    };
  },

  async undo(params, before, ctx) {
    const previous = parseRecorded(before);
    const s3 = ctx.clients.s3(params.region);
    const current = await readBlock(s3, params.bucket);
    if (same(current, previous)) {
      return {
        status: 'already-applied',
        before: { configuration: current },
        after: { configuration: current },
        message: `bucket ${params.bucket} already has its pre-remediation Block Public Access configuration`,
      };
    }
    if (previous === null) {
      await callAws(ID, `DeletePublicAccessBlock ${params.bucket}`, () =>
        s3.send(new DeletePublicAccessBlockCommand({ Bucket: params.bucket })),
      );
    } else {
      await callAws(ID, `PutPublicAccessBlock ${params.bucket}`, () =>
        s3.send(
          new PutPublicAccessBlockCommand({
            Bucket: params.bucket,
            PublicAccessBlockConfiguration: { ...previous },
          }),
        ),
      );
    }
    return {
      status: 'applied',
      before: { configuration: current },
      after: { configuration: previous },
      message:
        previous === null
          ? `removed the Block Public Access configuration of bucket ${params.bucket}, as before remediation`
          : `restored the Block Public Access flags of bucket ${params.bucket} as they were before remediation`,
    };
  },
};
