import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbCheckpointStore } from '../../lambdas/adapters/dynamodb-checkpoint';
import { DynamoDbLastFinding } from '../../lambdas/adapters/dynamodb-last-finding';
import type { Finding } from '../../lambdas/engine/types';
import { createStateTable } from '../analyzer/support';
import { motoClientConfig } from '../support/aws';

let dynamodb: DynamoDBClient;
let table: string;

beforeAll(async () => {
  dynamodb = new DynamoDBClient(motoClientConfig());
  table = await createStateTable(dynamodb);
});

describe('DynamoDbCheckpointStore (moto_server)', () => {
  it('persists a checkpoint with its open window and reads it back in a new store when saved', async () => {
    // Prepare
    const region = 'ap-south-1';
    const writer = new DynamoDbCheckpointStore(dynamodb, table);
    const open = { start: 1_000, end: 9_000, nextToken: 'tok==', oldestSeen: 4_000 };
    // Act
    const first = await writer.save(region, { collectedUntil: 1_000, savedAt: 5, open }, 0);
    const loaded = await new DynamoDbCheckpointStore(dynamodb, table).load(region);
    // Assess
    expect(first).toBe(1);
    expect(loaded).toEqual({ collectedUntil: 1_000, savedAt: 5, revision: 1, open });
  });

  it('clears the open window when a save has none', async () => {
    // Prepare
    const region = 'ap-south-2';
    const store = new DynamoDbCheckpointStore(dynamodb, table);
    await store.save(region, { collectedUntil: 1, savedAt: 1, open: { start: 0, end: 9 } }, 0);
    // Act
    await store.save(region, { collectedUntil: 9, savedAt: 2 }, 1);
    // Assess
    expect(await store.load(region)).toEqual({ collectedUntil: 9, savedAt: 2, revision: 2, open: undefined });
  });

  it('refuses a save from a run that read an older revision, so the checkpoint never moves back', async () => {
    // Prepare: two runs read revision 1; the faster one saves progress first.
    const region = 'ca-central-1';
    const store = new DynamoDbCheckpointStore(dynamodb, table);
    await store.save(region, { collectedUntil: 100, savedAt: 1 }, 0);
    await store.save(region, { collectedUntil: 500, savedAt: 2 }, 1);
    // Act
    const stale = await store.save(region, { collectedUntil: 200, savedAt: 3 }, 1);
    const again = await store.save(region, { collectedUntil: 50, savedAt: 3 }, 0);
    // Assess
    expect(stale).toBeUndefined();
    expect(again).toBeUndefined();
    expect(await store.load(region)).toMatchObject({ collectedUntil: 500, revision: 2 });
  });

  it('returns nothing for a region that was never polled', async () => {
    expect(await new DynamoDbCheckpointStore(dynamodb, table).load('me-central-1')).toBeUndefined();
  });
});

describe('poller lease (moto_server)', () => {
  it('lets one run hold the lease and another take it only after it is released or lapses', async () => {
    // Prepare
    let now = 1_000_000;
    const leaseTable = await createStateTable(dynamodb);
    const store = new DynamoDbCheckpointStore(dynamodb, leaseTable, () => now);
    // Act
    const a = await store.acquire('run-a', now + 60_000);
    const b = await store.acquire('run-b', now + 60_000);
    await store.release('run-b');
    const aAgain = await store.acquire('run-a', now + 60_000);
    now += 61_000;
    const bAfterLapse = await store.acquire('run-b', now + 60_000);
    await store.release('run-a');
    const aAfterTakeover = await store.acquire('run-a', now + 60_000);
    await store.release('run-b');
    const aAfterRelease = await store.acquire('run-a', now + 60_000);
    // Assess
    expect([a, b, aAgain, bAfterLapse, aAfterTakeover, aAfterRelease]).toEqual([
      true,
      false,
      true,
      true,
      false,
      true,
    ]);
  });
});

describe('DynamoDbLastFinding (moto_server)', () => {
  const finding = (id: string, detectedAt: string) =>
    ({
      id,
      ruleId: 'root.account-used',
      severity: 'high',
      eventTime: detectedAt,
      detectedAt,
    }) as unknown as Finding;

  it('keeps the newest finding when an older one is recorded after it', async () => {
    // Prepare
    const lastTable = await createStateTable(dynamodb);
    const last = new DynamoDbLastFinding(dynamodb, lastTable);
    // Act
    await last.record([finding('a', '2025-06-01T10:00:00Z'), finding('b', '2025-06-01T11:00:00Z')]);
    await last.record([finding('c', '2025-06-01T09:00:00Z')]);
    // Assess
    expect(await last.get()).toEqual({
      id: 'b',
      ruleId: 'root.account-used',
      severity: 'high',
      eventTime: '2025-06-01T11:00:00Z',
      detectedAt: '2025-06-01T11:00:00Z',
    });
  });
});
