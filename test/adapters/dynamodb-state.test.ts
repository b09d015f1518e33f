import { randomUUID } from 'node:crypto';
import {
  type BatchGetItemCommandInput,
  type BatchGetItemCommandOutput,
  DeleteTableCommand,
  DynamoDBClient,
  GetItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbStateStore, StateStoreError } from '../../lambdas/adapters/dynamodb-state';
import { TABLES } from '../../lambdas/shared/contract';
import { createStateTable } from '../../local/tables';
import { motoClientConfig } from '../support/aws';
import { atomicMotoDynamoDbClient } from './support';

// Files share one moto_server and run in parallel, so this file owns a uniquely named table and never resets moto.
const tableName = `trailguard-state-test-${randomUUID().slice(0, 8)}`;
let client: DynamoDBClient;
/** For tests that race operations on one item: see atomicMotoDynamoDbClient for why. */
let atomicClient: DynamoDBClient;

/** A settable clock in epoch milliseconds. */
function fakeClock(startMs = Date.UTC(2025, 0, 1)): {
  now: () => number;
  advance: (seconds: number) => void;
} {
  let current = startMs;
  return { now: () => current, advance: (seconds) => (current += seconds * 1000) };
}

/** A key no other test in this file uses. */
function uniqueKey(label: string): string {
  return `${label}#${randomUUID()}`;
}

beforeAll(async () => {
  client = new DynamoDBClient(motoClientConfig());
  atomicClient = atomicMotoDynamoDbClient();
  await createStateTable(client, tableName);
});

afterAll(async () => {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  client.destroy();
  atomicClient.destroy();
});

describe('DynamoDbStateStore.putIfAbsent', () => {
  it('returns true for exactly one of 20 concurrent callers when they claim the same key', async () => {
    // Prepare
    const store = new DynamoDbStateStore(atomicClient, tableName);
    const key = uniqueKey('dedupe');

    // Act
    const results = await Promise.all(Array.from({ length: 20 }, () => store.putIfAbsent(key, 3600)));

    // Assess
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.has(key)).toBe(true);
  });

  it('stores the expiry in epoch seconds in the TTL attribute when it claims a key', async () => {
    // Prepare
    const clock = fakeClock(1_700_000_000_500);
    const store = new DynamoDbStateStore(client, tableName, { now: clock.now });
    const key = uniqueKey('ttl');

    // Act
    await store.putIfAbsent(key, 60);

    // Assess
    const out = await client.send(
      new GetItemCommand({ TableName: tableName, Key: { [TABLES.state.partitionKey]: { S: key } } }),
    );
    expect(out.Item?.[TABLES.state.ttlAttribute]).toEqual({ N: '1700000061' });
  });

  it('treats a mark as absent when its expiry has passed although DynamoDB has not deleted it', async () => {
    // Prepare
    const clock = fakeClock();
    const store = new DynamoDbStateStore(client, tableName, { now: clock.now });
    const key = uniqueKey('expiring');
    await store.putIfAbsent(key, 60);

    // Act
    clock.advance(59);
    const liveHas = await store.has(key);
    const liveClaim = await store.putIfAbsent(key, 60);
    clock.advance(1);
    const expiredHas = await store.has(key);
    const expiredClaim = await store.putIfAbsent(key, 60);

    // Assess
    expect(liveHas).toBe(true);
    expect(liveClaim).toBe(false);
    expect(expiredHas).toBe(false);
    expect(expiredClaim).toBe(true);
    expect(await store.has(key)).toBe(true);
  });

  it('rejects a ttl that is not positive', async () => {
    // Prepare
    const store = new DynamoDbStateStore(client, tableName);

    // Act
    const act = store.putIfAbsent(uniqueKey('bad-ttl'), 0);

    // Assess
    await expect(act).rejects.toThrow(RangeError);
  });
});

describe('DynamoDbStateStore.delete', () => {
  it('releases a claim so the next caller can take it when the mark is deleted', async () => {
    // Prepare
    const store = new DynamoDbStateStore(client, tableName);
    const key = uniqueKey('claim');
    await store.putIfAbsent(key, 3600);

    // Act
    await store.delete(key);

    // Assess
    expect(await store.has(key)).toBe(false);
    expect(await store.putIfAbsent(key, 3600)).toBe(true);
  });

  it('succeeds when the key does not exist', async () => {
    // Prepare
    const store = new DynamoDbStateStore(client, tableName);

    // Act
    const act = store.delete(uniqueKey('never-written'));

    // Assess
    await expect(act).resolves.toBeUndefined();
  });
});

describe('DynamoDbStateStore.increment', () => {
  it('returns the running total when it increments one counter several times', async () => {
    // Prepare
    const store = new DynamoDbStateStore(client, tableName);
    const key = uniqueKey('counter');

    // Act
    const first = await store.increment(key, 1, 300);
    const second = await store.increment(key, 4, 300);

    // Assess
    expect([first, second]).toEqual([1, 5]);
  });

  it('counts all 50 concurrent increments when they hit the same counter', async () => {
    // Prepare
    const store = new DynamoDbStateStore(atomicClient, tableName);
    const key = uniqueKey('concurrent');

    // Act
    const results = await Promise.all(Array.from({ length: 50 }, () => store.increment(key, 1, 300)));

    // Assess
    expect(await store.getCounters([key])).toEqual([50]);
    expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('restarts from `by` when the counter has expired', async () => {
    // Prepare
    const clock = fakeClock();
    const store = new DynamoDbStateStore(client, tableName, { now: clock.now });
    const key = uniqueKey('restart');
    await store.increment(key, 7, 60);

    // Act
    clock.advance(60);
    const restarted = await store.increment(key, 2, 60);
    const next = await store.increment(key, 1, 60);

    // Assess
    expect(restarted).toBe(2);
    expect(next).toBe(3);
  });

  it('moves the expiry out to now + ttl when it increments a live counter', async () => {
    // Prepare
    const clock = fakeClock();
    const store = new DynamoDbStateStore(client, tableName, { now: clock.now });
    const key = uniqueKey('extended-expiry');
    await store.increment(key, 1, 60);

    // Act
    clock.advance(30);
    await store.increment(key, 1, 60);
    clock.advance(59);
    const beforeNewExpiry = await store.getCounters([key]);
    clock.advance(1);
    const atNewExpiry = await store.getCounters([key]);

    // Assess
    expect(beforeNewExpiry).toEqual([2]);
    expect(atNewExpiry).toEqual([0]);
  });

  it('keeps a later expiry when an increment asks for a shorter ttl', async () => {
    // Prepare
    const clock = fakeClock();
    const store = new DynamoDbStateStore(client, tableName, { now: clock.now });
    const key = uniqueKey('kept-expiry');
    await store.increment(key, 1, 600);

    // Act
    const value = await store.increment(key, 1, 10);
    clock.advance(599);

    // Assess
    expect(value).toBe(2);
    expect(await store.getCounters([key])).toEqual([2]);
  });

  it('loses no count when 20 concurrent increments hit an expired counter', async () => {
    // Prepare
    const clock = fakeClock();
    const store = new DynamoDbStateStore(atomicClient, tableName, { now: clock.now });
    const key = uniqueKey('expired-race');
    await store.increment(key, 100, 60);
    clock.advance(120);

    // Act
    const results = await Promise.all(Array.from({ length: 20 }, () => store.increment(key, 1, 60)));

    // Assess
    expect(await store.getCounters([key])).toEqual([20]);
    expect(Math.max(...results)).toBe(20);
  });
});

describe('DynamoDbStateStore.getCounters', () => {
  it('returns values in input order with 0 for missing keys when it reads more than 100 keys', async () => {
    // Prepare
    const store = new DynamoDbStateStore(client, tableName);
    const keys = Array.from({ length: 230 }, (_, i) => uniqueKey(`batch-${i}`));
    const written = keys.filter((_, i) => i % 3 === 0);
    await Promise.all(written.map((key, i) => store.increment(key, i + 1, 300)));
    const expected = keys.map((key) => {
      const index = written.indexOf(key);
      return index === -1 ? 0 : index + 1;
    });

    // Act
    const values = await store.getCounters(keys);

    // Assess
    expect(values).toEqual(expected);
  });

  it('returns one value per input position when a key is repeated', async () => {
    // Prepare
    const store = new DynamoDbStateStore(client, tableName);
    const key = uniqueKey('repeated');
    await store.increment(key, 3, 300);

    // Act
    const values = await store.getCounters([key, uniqueKey('missing'), key]);

    // Assess
    expect(values).toEqual([3, 0, 3]);
  });

  it('returns 0 for a counter whose expiry has passed', async () => {
    // Prepare
    const clock = fakeClock();
    const store = new DynamoDbStateStore(client, tableName, { now: clock.now });
    const live = uniqueKey('live');
    const expired = uniqueKey('expired');
    await store.increment(expired, 5, 10);
    clock.advance(5);
    await store.increment(live, 4, 60);

    // Act
    clock.advance(5);
    const values = await store.getCounters([live, expired]);

    // Assess
    expect(values).toEqual([4, 0]);
  });

  it('returns an empty list without calling DynamoDB when given no keys', async () => {
    // Prepare
    const store = new DynamoDbStateStore(
      new DynamoDBClient({ ...motoClientConfig(), endpoint: 'http://127.0.0.1:1' }),
      tableName,
    );

    // Act
    const values = await store.getCounters([]);

    // Assess
    expect(values).toEqual([]);
  });
});

/**
 * moto never returns UnprocessedKeys, so these tests inject them: a middleware on a real client sends only half
 * of the keys to moto and reports the rest as unprocessed, as DynamoDB does under throttling or size limits.
 */
describe('DynamoDbStateStore.getCounters with UnprocessedKeys', () => {
  function clientDroppingKeys(timesToDrop: number): { client: DynamoDBClient; calls: () => number } {
    const faulty = new DynamoDBClient(motoClientConfig());
    let calls = 0;
    faulty.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'BatchGetItemCommand') return next(args);
        calls++;
        if (calls > timesToDrop) return next(args);
        const input = args.input as BatchGetItemCommandInput;
        const request = input.RequestItems?.[tableName];
        const allKeys = request?.Keys ?? [];
        const kept = allKeys.slice(0, Math.floor(allKeys.length / 2));
        const unprocessed = { [tableName]: { ...request, Keys: allKeys.slice(kept.length) } };
        if (kept.length === 0) {
          // Nothing left to send: answer as DynamoDB does when it processed none of the keys.
          const output: BatchGetItemCommandOutput = {
            Responses: {},
            UnprocessedKeys: unprocessed,
            $metadata: {},
          };
          return { output, response: {} } as Awaited<ReturnType<typeof next>>;
        }
        const result = await next({
          ...args,
          input: { ...input, RequestItems: { [tableName]: { ...request, Keys: kept } } },
        });
        (result.output as BatchGetItemCommandOutput).UnprocessedKeys = unprocessed;
        return result;
      },
      { step: 'initialize', name: 'dropHalfOfBatchGetKeys' },
    );
    return { client: faulty, calls: () => calls };
  }

  it('retries with backoff until every key is read when DynamoDB leaves keys unprocessed', async () => {
    // Prepare
    const writer = new DynamoDbStateStore(client, tableName);
    const keys = Array.from({ length: 8 }, (_, i) => uniqueKey(`unprocessed-${i}`));
    await Promise.all(keys.map((key, i) => writer.increment(key, i + 1, 300)));
    const faulty = clientDroppingKeys(2);
    const sleeps: number[] = [];
    const store = new DynamoDbStateStore(faulty.client, tableName, {
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });

    // Act
    const values = await store.getCounters(keys);

    // Assess
    expect(values).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(faulty.calls()).toBe(3);
    expect(sleeps).toHaveLength(2);
    faulty.client.destroy();
  });

  it('throws StateStoreError when keys stay unprocessed after the last attempt', async () => {
    // Prepare
    const faulty = clientDroppingKeys(Number.POSITIVE_INFINITY);
    const store = new DynamoDbStateStore(faulty.client, tableName, {
      sleep: async () => {},
      maxBatchGetAttempts: 3,
    });
    const keys = [uniqueKey('stuck-a'), uniqueKey('stuck-b')];

    // Act
    const act = store.getCounters(keys);

    // Assess
    await expect(act).rejects.toThrow(StateStoreError);
    await expect(act).rejects.toThrow(/still unprocessed after 3 attempts/);
    expect(faulty.calls()).toBe(3);
    faulty.client.destroy();
  });
});

describe('DynamoDbStateStore errors', () => {
  const missingTable = `trailguard-missing-${randomUUID().slice(0, 8)}`;

  it.each([
    ['putIfAbsent', (store: DynamoDbStateStore) => store.putIfAbsent('key-1', 60)],
    ['has', (store: DynamoDbStateStore) => store.has('key-1')],
    ['delete', (store: DynamoDbStateStore) => store.delete('key-1')],
    ['increment', (store: DynamoDbStateStore) => store.increment('key-1', 1, 60)],
    ['getCounters', (store: DynamoDbStateStore) => store.getCounters(['key-1'])],
  ])(
    'wraps the SDK error in StateStoreError naming table and key when %s hits a missing table',
    async (operation, call) => {
      // Prepare
      const store = new DynamoDbStateStore(client, missingTable);

      // Act
      const error = await call(store).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(StateStoreError);
      const stateError = error as StateStoreError;
      expect(stateError.name).toBe('StateStoreError');
      expect(stateError.message).toContain(operation);
      expect(stateError.message).toContain(missingTable);
      expect(stateError.message).toContain('"key-1"');
      expect((stateError.cause as Error).name).toBe('ResourceNotFoundException');
    },
  );
});
