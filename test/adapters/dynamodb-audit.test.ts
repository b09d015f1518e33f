import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AuditBeginInput,
  AuditRecordNotFoundError,
  AuditStoreError,
  DynamoDbAuditStore,
  stepKeyFor,
} from '../../lambdas/adapters/dynamodb-audit';
import { createAuditTable } from '../../local/tables';
import { motoClientConfig } from '../support/aws';
import { atomicMotoDynamoDbClient } from './support';

// Files share one moto_server and run in parallel, so this file owns a uniquely named table and never resets moto.
const tableName = `trailguard-audit-test-${randomUUID().slice(0, 8)}`;
let client: DynamoDBClient;

/** A clock that moves one second per call, so createdAt and updatedAt differ. */
function tickingClock(start = Date.UTC(2025, 0, 1, 12)): () => Date {
  let ticks = 0;
  return () => new Date(start + ticks++ * 1000);
}

function stepInput(findingId: string, index = 0): AuditBeginInput {
  return {
    findingId,
    stepKey: stepKeyFor(index),
    stepIndex: index,
    ruleId: 'iam.access-key-leaked',
    actionId: 'iam.disable-access-key',
    params: { userName: 'alice', accessKeyId: 'AKIAEXAMPLEEXAMPLE01' },
    mode: 'enforce',
    actor: 'arn:aws:iam::123456789012:role/trailguard-remediator',
  };
}

beforeAll(async () => {
  client = new DynamoDBClient(motoClientConfig());
  await createAuditTable(client, tableName);
});

afterAll(async () => {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  client.destroy();
});

describe('stepKeyFor', () => {
  it('zero-pads the index so keys sort in plan order', () => {
    expect([stepKeyFor(0), stepKeyFor(7), stepKeyFor(12)]).toEqual(['step-000', 'step-007', 'step-012']);
  });

  it('throws RangeError when the index is negative, fractional or too large', () => {
    expect(() => stepKeyFor(-1)).toThrow(RangeError);
    expect(() => stepKeyFor(1.5)).toThrow(RangeError);
    expect(() => stepKeyFor(1000)).toThrow(RangeError);
  });
});

describe('DynamoDbAuditStore.begin', () => {
  it('creates an in-progress record with one attempt when the step is new', async () => {
    // Prepare
    const store = new DynamoDbAuditStore(client, tableName, { now: tickingClock() });
    const input = stepInput(`finding-${randomUUID()}`);

    // Act
    const result = await store.begin(input);

    // Assess
    expect(result.kind).toBe('new');
    expect(result.record).toEqual({
      ...input,
      status: 'in-progress',
      attempts: 1,
      createdAt: '2025-01-01T12:00:00.000Z',
      updatedAt: '2025-01-01T12:00:00.000Z',
    });
    expect(await store.get(input.findingId)).toEqual([result.record]);
  });

  it('returns the stored record with attempts 2 when the same step begins twice', async () => {
    // Prepare
    const store = new DynamoDbAuditStore(client, tableName, { now: tickingClock() });
    const input = stepInput(`finding-${randomUUID()}`);
    await store.begin(input);

    // Act
    const second = await store.begin({ ...input, mode: 'dry-run' });

    // Assess
    expect(second.kind).toBe('existing');
    expect(second.record.attempts).toBe(2);
    expect(second.record.mode).toBe('enforce');
    expect(second.record.createdAt).toBe('2025-01-01T12:00:00.000Z');
    expect(second.record.updatedAt).toBe('2025-01-01T12:00:01.000Z');
  });

  it('returns the finished record as existing when a duplicate delivery begins a finished step', async () => {
    // Prepare
    const store = new DynamoDbAuditStore(client, tableName);
    const input = stepInput(`finding-${randomUUID()}`);
    await store.begin(input);
    await store.finish(input.findingId, input.stepKey, {
      status: 'succeeded',
      after: { status: 'Inactive' },
    });

    // Act
    const again = await store.begin(input);

    // Assess
    expect(again.kind).toBe('existing');
    expect(again.record.status).toBe('succeeded');
    expect(again.record.after).toEqual({ status: 'Inactive' });
  });

  it('gives exactly one caller "new" when 10 begin the same step concurrently', async () => {
    // Prepare
    const atomicClient = atomicMotoDynamoDbClient(); // see atomicMotoDynamoDbClient for why
    const store = new DynamoDbAuditStore(atomicClient, tableName);
    const input = stepInput(`finding-${randomUUID()}`);

    // Act
    const results = await Promise.all(Array.from({ length: 10 }, () => store.begin(input)));

    // Assess
    expect(results.filter((r) => r.kind === 'new')).toHaveLength(1);
    const [stored] = await store.get(input.findingId);
    expect(stored?.attempts).toBe(10);
    expect(results.map((r) => r.record.attempts).sort((a, b) => a - b)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
    atomicClient.destroy();
  });
});

describe('DynamoDbAuditStore.finish', () => {
  it('stores status, reason, arbitrary JSON before/after and the undo command when a step finishes', async () => {
    // Prepare
    const store = new DynamoDbAuditStore(client, tableName, { now: tickingClock() });
    const input = stepInput(`finding-${randomUUID()}`);
    await store.begin(input);
    const before = {
      status: 'Active',
      nested: { list: [1, 'two', null, true, { deep: 'x' }], empty: '' },
      dropped: undefined,
    };

    // Act
    const finished = await store.finish(input.findingId, input.stepKey, {
      status: 'succeeded',
      reason: 'key disabled',
      before,
      after: { status: 'Inactive' },
      undoCommand: `trailguard undo ${input.findingId}`,
    });

    // Assess
    const [stored] = await store.get(input.findingId);
    expect(stored).toEqual(finished);
    expect(stored).toMatchObject({
      status: 'succeeded',
      reason: 'key disabled',
      before: { status: 'Active', nested: { list: [1, 'two', null, true, { deep: 'x' }], empty: '' } },
      after: { status: 'Inactive' },
      undoCommand: `trailguard undo ${input.findingId}`,
      attempts: 1,
      createdAt: '2025-01-01T12:00:00.000Z',
      updatedAt: '2025-01-01T12:00:01.000Z',
    });
    expect(stored?.before).not.toHaveProperty('dropped');
  });

  it('keeps earlier before/after when a later finish omits them', async () => {
    // Prepare
    const store = new DynamoDbAuditStore(client, tableName);
    const input = stepInput(`finding-${randomUUID()}`);
    await store.begin(input);
    await store.finish(input.findingId, input.stepKey, {
      status: 'succeeded',
      before: { status: 'Active' },
      after: { status: 'Inactive' },
    });

    // Act
    const undone = await store.finish(input.findingId, input.stepKey, {
      status: 'undone',
      reason: 'operator undo',
    });

    // Assess
    expect(undone).toMatchObject({
      status: 'undone',
      reason: 'operator undo',
      before: { status: 'Active' },
      after: { status: 'Inactive' },
    });
  });

  it('throws AuditRecordNotFoundError when the step was never begun', async () => {
    // Prepare
    const store = new DynamoDbAuditStore(client, tableName);
    const findingId = `finding-${randomUUID()}`;

    // Act
    const act = store.finish(findingId, 'step-000', { status: 'succeeded' });

    // Assess
    await expect(act).rejects.toThrow(AuditRecordNotFoundError);
    await expect(act).rejects.toThrow(findingId);
    expect(await store.get(findingId)).toEqual([]);
  });
});

describe('DynamoDbAuditStore.get', () => {
  it('returns all 12 steps in plan order when they were begun out of order', async () => {
    // Prepare
    const store = new DynamoDbAuditStore(client, tableName);
    const findingId = `finding-${randomUUID()}`;
    const order = [11, 3, 0, 7, 10, 1, 5, 9, 2, 8, 4, 6];
    for (const index of order) await store.begin(stepInput(findingId, index));

    // Act
    const records = await store.get(findingId);

    // Assess
    expect(records.map((r) => r.stepIndex)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(records.map((r) => r.stepKey)).toEqual(records.map((r) => stepKeyFor(r.stepIndex)));
  });

  it('returns only the steps of the requested finding', async () => {
    // Prepare
    const store = new DynamoDbAuditStore(client, tableName);
    const mine = `finding-${randomUUID()}`;
    await store.begin(stepInput(mine, 0));
    await store.begin(stepInput(`finding-${randomUUID()}`, 0));

    // Act
    const records = await store.get(mine);

    // Assess
    expect(records.map((r) => r.findingId)).toEqual([mine]);
  });

  it('follows pagination when a finding has more steps than one page holds', async () => {
    // Prepare: ~40 KB per item makes DynamoDB (and moto) split the 1 MB query result into pages.
    const counting = new DynamoDBClient(motoClientConfig());
    let queries = 0;
    counting.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'QueryCommand') queries++;
        return next(args);
      },
      { step: 'initialize', name: 'countQueries' },
    );
    const store = new DynamoDbAuditStore(counting, tableName);
    const findingId = `finding-${randomUUID()}`;
    const bulky = { policy: 'x'.repeat(40_000) };
    for (let index = 0; index < 30; index++) {
      await store.begin(stepInput(findingId, index));
      await store.finish(findingId, stepKeyFor(index), { status: 'succeeded', before: bulky });
    }

    // Act
    const records = await store.get(findingId);

    // Assess
    expect(queries).toBeGreaterThan(1);
    expect(records).toHaveLength(30);
    expect(records.map((r) => r.stepIndex)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    counting.destroy();
  });
});

describe('DynamoDbAuditStore errors', () => {
  it('wraps the SDK error in AuditStoreError naming table, finding and step when the table does not exist', async () => {
    // Prepare
    const missingTable = `trailguard-missing-${randomUUID().slice(0, 8)}`;
    const store = new DynamoDbAuditStore(client, missingTable);

    // Act
    const error = await store.begin(stepInput('finding-1', 2)).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(AuditStoreError);
    expect((error as Error).message).toContain(missingTable);
    expect((error as Error).message).toContain('"finding-1"');
    expect((error as Error).message).toContain('"step-002"');
    expect(((error as Error).cause as Error).name).toBe('ResourceNotFoundException');
  });
});
