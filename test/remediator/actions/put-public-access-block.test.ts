import {
  CreateBucketCommand,
  DeletePublicAccessBlockCommand,
  GetPublicAccessBlockCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putPublicAccessBlock } from '../../../lambdas/remediator/actions/put-public-access-block';
import {
  type ActionContext,
  InvalidActionParamsError,
  PermanentActionError,
} from '../../../lambdas/remediator/actions/types';
import { actionContext, motoActionClients, uniqueName } from './support';

const REGION = 'eu-west-1';
let clients: ReturnType<typeof motoActionClients>;
let ctx: ActionContext;

beforeAll(() => {
  clients = motoActionClients();
  ctx = actionContext(clients);
});

afterAll(() => clients.destroy());

async function bucket(): Promise<string> {
  const name = uniqueName('tg-pab');
  await clients
    .s3(REGION)
    .send(
      new CreateBucketCommand({ Bucket: name, CreateBucketConfiguration: { LocationConstraint: REGION } }),
    );
  return name;
}

/** The bucket's flags in the emulator, or null when it has no configuration. */
async function flags(name: string): Promise<Record<string, boolean | undefined> | null> {
  try {
    const out = await clients.s3(REGION).send(new GetPublicAccessBlockCommand({ Bucket: name }));
    return { ...out.PublicAccessBlockConfiguration };
  } catch (error) {
    if ((error as Error).name === 'NoSuchPublicAccessBlockConfiguration') return null;
    throw error;
  }
}

const ALL_ON = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};
const WEAKENED = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: false,
  RestrictPublicBuckets: false,
};

describe('s3.put-public-access-block parseParams', () => {
  it('throws InvalidActionParamsError when the bucket name is not a bucket name', () => {
    expect(() => putPublicAccessBlock.parseParams({ bucket: 'Bad_Bucket', region: REGION })).toThrow(
      InvalidActionParamsError,
    );
  });
});

describe('s3.put-public-access-block execute and undo (moto)', () => {
  it('turns all four flags on for a bucket whose block was deleted, and undo deletes it again', async () => {
    // Prepare
    const name = await bucket();
    await clients
      .s3(REGION)
      .send(new PutPublicAccessBlockCommand({ Bucket: name, PublicAccessBlockConfiguration: ALL_ON }));
    await clients.s3(REGION).send(new DeletePublicAccessBlockCommand({ Bucket: name }));
    const before = await flags(name);
    // Act
    const done = await putPublicAccessBlock.execute({ bucket: name, region: REGION }, ctx);
    const during = await flags(name);
    const again = await putPublicAccessBlock.execute({ bucket: name, region: REGION }, ctx);
    const undone = await putPublicAccessBlock.undo({ bucket: name, region: REGION }, done.before, ctx);
    const after = await flags(name);
    // Assess
    expect(before).toBeNull();
    expect(done).toMatchObject({
      status: 'applied',
      before: { configuration: null },
      after: { configuration: ALL_ON },
    });
    expect(during).toEqual(ALL_ON);
    expect(again.status).toBe('already-applied');
    expect(undone.status).toBe('applied');
    expect(after).toBeNull();
  });

  it('restores exactly the weakened flags on undo', async () => {
    // Prepare
    const name = await bucket();
    await clients
      .s3(REGION)
      .send(new PutPublicAccessBlockCommand({ Bucket: name, PublicAccessBlockConfiguration: WEAKENED }));
    // Act
    const done = await putPublicAccessBlock.execute({ bucket: name, region: REGION }, ctx);
    const during = await flags(name);
    await putPublicAccessBlock.undo({ bucket: name, region: REGION }, done.before, ctx);
    const after = await flags(name);
    const undoneAgain = await putPublicAccessBlock.undo({ bucket: name, region: REGION }, done.before, ctx);
    // Assess
    expect(done.before).toEqual({ configuration: WEAKENED });
    expect(during).toEqual(ALL_ON);
    expect(after).toEqual(WEAKENED);
    expect(undoneAgain.status).toBe('already-applied');
  });

  it('throws PermanentActionError when the bucket does not exist', async () => {
    await expect(
      putPublicAccessBlock.execute({ bucket: uniqueName('tg-ghost'), region: REGION }, ctx),
    ).rejects.toThrow(PermanentActionError);
  });
});
