import {
  CreateImageCommand,
  DescribeImageAttributeCommand,
  DescribeImagesCommand,
  ModifyImageAttributeCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActionContext, classifyAwsError } from '../../../lambdas/remediator/actions/types';
import { unshareImage } from '../../../lambdas/remediator/actions/unshare-image';
import { actionContext, motoActionClients, uniqueName } from './support';

const REGION = 'eu-west-1';
const UNKNOWN = '999988887777';
let clients: ReturnType<typeof motoActionClients>;
let ctx: ActionContext;

beforeAll(() => {
  clients = motoActionClients();
  ctx = actionContext(clients);
});

afterAll(() => clients.destroy());

/** An AMI of this account (made from an instance), shared publicly and with an unknown account. */
async function sharedImage(): Promise<string> {
  const ec2 = clients.ec2(REGION);
  const base = (await ec2.send(new DescribeImagesCommand({}))).Images?.[0]?.ImageId;
  const run = await ec2.send(new RunInstancesCommand({ ImageId: base, MinCount: 1, MaxCount: 1 }));
  const image = await ec2.send(
    new CreateImageCommand({ InstanceId: run.Instances?.[0]?.InstanceId, Name: uniqueName('tg-ami') }),
  );
  const imageId = image.ImageId ?? '';
  await ec2.send(
    new ModifyImageAttributeCommand({
      ImageId: imageId,
      LaunchPermission: { Add: [{ Group: 'all' }, { UserId: UNKNOWN }] },
    }),
  );
  return imageId;
}

async function launchPermissions(imageId: string): Promise<string[]> {
  const out = await clients
    .ec2(REGION)
    .send(new DescribeImageAttributeCommand({ ImageId: imageId, Attribute: 'launchPermission' }));
  return (out.LaunchPermissions ?? []).map((p) => p.Group ?? p.UserId ?? '?').sort();
}

describe('ec2.unshare-image execute and undo (moto)', () => {
  it('removes public and unknown-account launch permissions, and undo shares it again', async () => {
    // Prepare
    const imageId = await sharedImage();
    const params = unshareImage.parseParams({ imageId, region: REGION, sharedWith: `all,${UNKNOWN}` });
    const before = await launchPermissions(imageId);
    // Act
    const done = await unshareImage.execute(params, ctx);
    const during = await launchPermissions(imageId);
    const again = await unshareImage.execute(params, ctx);
    const undone = await unshareImage.undo(params, done.before, ctx);
    const after = await launchPermissions(imageId);
    // Assess
    expect(before).toEqual([UNKNOWN, 'all'].sort());
    expect(done).toMatchObject({ status: 'applied', before: { removed: ['all', UNKNOWN] } });
    expect(during).toEqual([]);
    expect(again.status).toBe('already-applied');
    expect(undone.status).toBe('applied');
    expect(after).toEqual(before);
  });

  it('removes only what is still shared when part of it was already withdrawn', async () => {
    // Prepare
    const imageId = await sharedImage();
    await clients.ec2(REGION).send(
      new ModifyImageAttributeCommand({
        ImageId: imageId,
        LaunchPermission: { Remove: [{ Group: 'all' }] },
      }),
    );
    const params = unshareImage.parseParams({ imageId, region: REGION, sharedWith: `all,${UNKNOWN}` });
    // Act
    const done = await unshareImage.execute(params, ctx);
    // Assess
    expect(done.before).toMatchObject({ removed: [UNKNOWN] });
    expect(await launchPermissions(imageId)).toEqual([]);
  });

  it('classifies the missing-image answer of EC2 as permanent', () => {
    // moto 5.2.1 answers DescribeImageAttribute for an unknown AMI with HTTP 500 (a KeyError), where EC2 answers
    // InvalidAMIID.NotFound; the classification of EC2's real answer is checked directly.
    const error = Object.assign(new Error('The image id does not exist'), {
      name: 'InvalidAMIID.NotFound',
      $metadata: { httpStatusCode: 400 },
    });
    expect(classifyAwsError(error)).toBe('permanent');
  });
});
