import {
  CreateSnapshotCommand,
  CreateVolumeCommand,
  DescribeSnapshotAttributeCommand,
  ModifySnapshotAttributeCommand,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ActionContext,
  InvalidActionParamsError,
  PermanentActionError,
} from '../../../lambdas/remediator/actions/types';
import { unshareSnapshot } from '../../../lambdas/remediator/actions/unshare-snapshot';
import { actionContext, motoActionClients } from './support';

const REGION = 'eu-west-1';
const PARTNER = '444455556666';
const UNKNOWN = '999988887777';
let clients: ReturnType<typeof motoActionClients>;
let ctx: ActionContext;

beforeAll(() => {
  clients = motoActionClients();
  ctx = actionContext(clients);
});

afterAll(() => clients.destroy());

/** A snapshot shared publicly, with an unknown account and with a partner account. */
async function sharedSnapshot(): Promise<string> {
  const ec2 = clients.ec2(REGION);
  const volume = await ec2.send(new CreateVolumeCommand({ Size: 1, AvailabilityZone: `${REGION}a` }));
  const snapshot = await ec2.send(new CreateSnapshotCommand({ VolumeId: volume.VolumeId }));
  const snapshotId = snapshot.SnapshotId ?? '';
  await ec2.send(
    new ModifySnapshotAttributeCommand({
      SnapshotId: snapshotId,
      Attribute: 'createVolumePermission',
      OperationType: 'add',
      GroupNames: ['all'],
      UserIds: [UNKNOWN, PARTNER],
    }),
  );
  return snapshotId;
}

async function sharedWith(snapshotId: string): Promise<string[]> {
  const out = await clients
    .ec2(REGION)
    .send(
      new DescribeSnapshotAttributeCommand({ SnapshotId: snapshotId, Attribute: 'createVolumePermission' }),
    );
  return (out.CreateVolumePermissions ?? []).map((p) => p.Group ?? p.UserId ?? '?').sort();
}

describe('ec2.unshare-snapshot parseParams', () => {
  it('parses the share list, deduplicated with "all" first', () => {
    expect(
      unshareSnapshot.parseParams({
        snapshotId: 'snap-0123456789abcdef0',
        region: REGION,
        sharedWith: `${UNKNOWN},all,${UNKNOWN}`,
      }).sharedWith,
    ).toEqual(['all', UNKNOWN]);
  });

  it.each(['', 'everyone', '12345', 'all,;rm'])(
    'throws InvalidActionParamsError when sharedWith is %j',
    (value) => {
      expect(() =>
        unshareSnapshot.parseParams({
          snapshotId: 'snap-0123456789abcdef0',
          region: REGION,
          sharedWith: value,
        }),
      ).toThrow(InvalidActionParamsError);
    },
  );
});

describe('ec2.unshare-snapshot execute and undo (moto)', () => {
  it('removes public and unknown-account sharing, keeps the partner, and undo shares it again', async () => {
    // Prepare
    const snapshotId = await sharedSnapshot();
    const params = unshareSnapshot.parseParams({ snapshotId, region: REGION, sharedWith: `all,${UNKNOWN}` });
    const before = await sharedWith(snapshotId);
    // Act
    const done = await unshareSnapshot.execute(params, ctx);
    const during = await sharedWith(snapshotId);
    const again = await unshareSnapshot.execute(params, ctx);
    const undone = await unshareSnapshot.undo(params, done.before, ctx);
    const after = await sharedWith(snapshotId);
    const undoneAgain = await unshareSnapshot.undo(params, done.before, ctx);
    // Assess
    expect(before).toEqual([PARTNER, UNKNOWN, 'all'].sort());
    expect(done).toMatchObject({ status: 'applied', before: { removed: ['all', UNKNOWN] } });
    expect(during).toEqual([PARTNER]);
    expect(again.status).toBe('already-applied');
    expect(undone.status).toBe('applied');
    expect(after).toEqual(before);
    expect(undoneAgain.status).toBe('already-applied');
  });

  it('throws PermanentActionError when the snapshot does not exist', async () => {
    const params = unshareSnapshot.parseParams({
      snapshotId: 'snap-0123456789abcdef0',
      region: REGION,
      sharedWith: 'all',
    });
    await expect(unshareSnapshot.execute(params, ctx)).rejects.toThrow(PermanentActionError);
  });
});
