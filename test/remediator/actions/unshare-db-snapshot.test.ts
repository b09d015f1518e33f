import {
  CreateDBClusterCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBInstanceCommand,
  CreateDBSnapshotCommand,
  DescribeDBClusterSnapshotAttributesCommand,
  DescribeDBSnapshotAttributesCommand,
  ModifyDBClusterSnapshotAttributeCommand,
  ModifyDBSnapshotAttributeCommand,
} from '@aws-sdk/client-rds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ActionContext,
  InvalidActionParamsError,
  PermanentActionError,
} from '../../../lambdas/remediator/actions/types';
import { unshareDbSnapshot } from '../../../lambdas/remediator/actions/unshare-db-snapshot';
import { actionContext, motoActionClients, uniqueName } from './support';

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

/** A manual DB snapshot (or cluster snapshot) shared publicly, with an unknown account and a partner. */
async function sharedSnapshot(type: 'instance' | 'cluster'): Promise<string> {
  const rds = clients.rds(REGION);
  const source = uniqueName('tg-db');
  const snapshot = uniqueName('tg-dbsnap');
  const values = { AttributeName: 'restore', ValuesToAdd: ['all', UNKNOWN, PARTNER] };
  if (type === 'instance') {
    await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: source,
        DBInstanceClass: 'db.t3.micro',
        Engine: 'postgres',
        MasterUsername: 'admin1',
        MasterUserPassword: 'not-a-real-password-1',
        AllocatedStorage: 20,
      }),
    );
    await rds.send(
      new CreateDBSnapshotCommand({ DBInstanceIdentifier: source, DBSnapshotIdentifier: snapshot }),
    );
    await rds.send(new ModifyDBSnapshotAttributeCommand({ DBSnapshotIdentifier: snapshot, ...values }));
  } else {
    await rds.send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: source,
        Engine: 'aurora-postgresql',
        MasterUsername: 'admin1',
        MasterUserPassword: 'not-a-real-password-1',
      }),
    );
    await rds.send(
      new CreateDBClusterSnapshotCommand({
        DBClusterIdentifier: source,
        DBClusterSnapshotIdentifier: snapshot,
      }),
    );
    await rds.send(
      new ModifyDBClusterSnapshotAttributeCommand({ DBClusterSnapshotIdentifier: snapshot, ...values }),
    );
  }
  return snapshot;
}

async function restorableBy(type: 'instance' | 'cluster', snapshot: string): Promise<string[]> {
  const rds = clients.rds(REGION);
  const attributes =
    type === 'instance'
      ? (await rds.send(new DescribeDBSnapshotAttributesCommand({ DBSnapshotIdentifier: snapshot })))
          .DBSnapshotAttributesResult?.DBSnapshotAttributes
      : (
          await rds.send(
            new DescribeDBClusterSnapshotAttributesCommand({ DBClusterSnapshotIdentifier: snapshot }),
          )
        ).DBClusterSnapshotAttributesResult?.DBClusterSnapshotAttributes;
  return (attributes ?? [])
    .flatMap((a) => (a.AttributeName === 'restore' ? (a.AttributeValues ?? []) : []))
    .sort();
}

describe('rds.unshare-snapshot parseParams', () => {
  it('defaults to a DB instance snapshot and refuses other types', () => {
    expect(
      unshareDbSnapshot.parseParams({ snapshotIdentifier: 'snap-1', region: REGION, sharedWith: 'all' })
        .snapshotType,
    ).toBe('instance');
    expect(() =>
      unshareDbSnapshot.parseParams({
        snapshotIdentifier: 'snap-1',
        snapshotType: 'volume',
        region: REGION,
        sharedWith: 'all',
      }),
    ).toThrow(InvalidActionParamsError);
  });
});

describe('rds.unshare-snapshot execute and undo (moto)', () => {
  it.each(['instance', 'cluster'] as const)(
    'stops sharing a %s snapshot publicly and with the unknown account, and undo shares it again',
    async (type) => {
      // Prepare
      const snapshot = await sharedSnapshot(type);
      const params = unshareDbSnapshot.parseParams({
        snapshotIdentifier: snapshot,
        snapshotType: type,
        region: REGION,
        sharedWith: `all,${UNKNOWN}`,
      });
      const before = await restorableBy(type, snapshot);
      // Act
      const done = await unshareDbSnapshot.execute(params, ctx);
      const during = await restorableBy(type, snapshot);
      const again = await unshareDbSnapshot.execute(params, ctx);
      const undone = await unshareDbSnapshot.undo(params, done.before, ctx);
      const after = await restorableBy(type, snapshot);
      // Assess
      expect(before).toEqual([PARTNER, UNKNOWN, 'all'].sort());
      expect(done).toMatchObject({ status: 'applied', before: { removed: ['all', UNKNOWN] } });
      expect(during).toEqual([PARTNER]);
      expect(again.status).toBe('already-applied');
      expect(undone.status).toBe('applied');
      expect(after).toEqual(before);
    },
  );

  it('throws PermanentActionError when the snapshot does not exist', async () => {
    const params = unshareDbSnapshot.parseParams({
      snapshotIdentifier: uniqueName('tg-ghost'),
      region: REGION,
      sharedWith: 'all',
    });
    await expect(unshareDbSnapshot.execute(params, ctx)).rejects.toThrow(PermanentActionError);
  });
});
