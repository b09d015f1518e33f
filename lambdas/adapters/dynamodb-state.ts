import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { StateStore } from '../engine/types';
import { TABLES } from '../shared/contract';
import { isConditionalCheckFailed } from './dynamodb-errors';

const PK = TABLES.state.partitionKey;
const TTL = TABLES.state.ttlAttribute;
/** Counter value attribute. `count` is a DynamoDB reserved word, so it is always used through `#c`. */
const COUNT = 'count';

/** BatchGetItem accepts at most 100 keys per request. */
const BATCH_GET_LIMIT = 100;
/** Key length kept in error messages: keys embed attacker-influenced values (user names, IPs). */
const KEY_IN_MESSAGE_MAX = 200;

/** A state operation failed for a reason other than a lost conditional write. */
export class StateStoreError extends Error {
  override readonly name = 'StateStoreError';
}

export interface DynamoDbStateStoreOptions {
  /** Clock in epoch milliseconds. @default Date.now */
  readonly now?: () => number;
  /** Waits between retries (UnprocessedKeys backoff). @default setTimeout-based sleep */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Attempts per BatchGetItem chunk while DynamoDB returns UnprocessedKeys. @default 6 */
  readonly maxBatchGetAttempts?: number;
  /** Rounds of the increment/reset race before giving up (each round loses only to another writer). @default 10 */
  readonly maxIncrementRounds?: number;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function describeKey(key: string): string {
  const shown = key.length > KEY_IN_MESSAGE_MAX ? `${key.slice(0, KEY_IN_MESSAGE_MAX)}…` : key;
  return JSON.stringify(shown);
}

function assertTtl(ttlSeconds: number): void {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new RangeError(`ttlSeconds must be a positive number, got ${ttlSeconds}`);
  }
}

/**
 * Engine state in one DynamoDB table (partition key `pk`, TTL attribute `expiresAt` in epoch seconds).
 *
 * DynamoDB deletes expired items lazily (often days later), so every read and conditional write here
 * treats an item whose `expiresAt <= now` as absent.
 *
 * Counters: each increment moves the expiry out to `now + ttlSeconds` (never earlier than it was), as the
 * in-memory store does.
 */
export class DynamoDbStateStore implements StateStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxBatchGetAttempts: number;
  private readonly maxIncrementRounds: number;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
    options: DynamoDbStateStoreOptions = {},
  ) {
    this.doc = DynamoDBDocumentClient.from(client);
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
    this.maxBatchGetAttempts = options.maxBatchGetAttempts ?? 6;
    this.maxIncrementRounds = options.maxIncrementRounds ?? 10;
  }

  async putIfAbsent(key: string, ttlSeconds: number): Promise<boolean> {
    assertTtl(ttlSeconds);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { [PK]: key, [TTL]: this.expiresAt(ttlSeconds) },
          ConditionExpression: 'attribute_not_exists(#pk) OR #ttl <= :now',
          ExpressionAttributeNames: { '#pk': PK, '#ttl': TTL },
          ExpressionAttributeValues: { ':now': this.nowSeconds() },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw this.wrap('putIfAbsent', key, error);
    }
  }

  async has(key: string): Promise<boolean> {
    try {
      const out = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: { [PK]: key }, ConsistentRead: true }),
      );
      return out.Item !== undefined && this.isLive(out.Item);
    } catch (error) {
      throw this.wrap('has', key, error);
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: { [PK]: key } }));
    } catch (error) {
      throw this.wrap('delete', key, error);
    }
  }

  /**
   * Adds `by` with conditional UpdateItems, so concurrent callers never lose a count:
   * 1. missing, or live with an expiry at or before the new one: add and move the expiry out (one call, the usual path);
   * 2. live with a later expiry: add and keep it;
   * 3. expired but not yet deleted by DynamoDB: overwrite with `by`, only while it is still expired.
   * Each write loses its condition only when another writer changed the item in between; then the next round
   * re-evaluates. Like the in-memory store, the expiry becomes max(current expiry, now + ttlSeconds).
   */
  async increment(key: string, by: number, ttlSeconds: number): Promise<number> {
    assertTtl(ttlSeconds);
    if (!Number.isFinite(by)) throw new RangeError(`by must be a finite number, got ${by}`);
    try {
      for (let round = 0; round < this.maxIncrementRounds; round++) {
        const now = this.nowSeconds();
        const exp = this.expiresAt(ttlSeconds);
        const extended = await this.conditionalAdd(key, {
          UpdateExpression: 'ADD #c :by SET #ttl = :exp',
          ConditionExpression:
            'attribute_not_exists(#pk) OR attribute_not_exists(#ttl) OR (#ttl > :now AND #ttl <= :exp)',
          ExpressionAttributeNames: { '#pk': PK, '#ttl': TTL, '#c': COUNT },
          ExpressionAttributeValues: { ':by': by, ':exp': exp, ':now': now },
        });
        if (extended !== undefined) return extended;
        const kept = await this.conditionalAdd(key, {
          UpdateExpression: 'ADD #c :by',
          ConditionExpression: '#ttl > :exp',
          ExpressionAttributeNames: { '#ttl': TTL, '#c': COUNT },
          ExpressionAttributeValues: { ':by': by, ':exp': exp },
        });
        if (kept !== undefined) return kept;
        const restarted = await this.conditionalAdd(key, {
          UpdateExpression: 'SET #c = :by, #ttl = :exp',
          ConditionExpression: '#ttl <= :now',
          ExpressionAttributeNames: { '#ttl': TTL, '#c': COUNT },
          ExpressionAttributeValues: { ':by': by, ':exp': exp, ':now': now },
        });
        if (restarted !== undefined) return restarted;
      }
    } catch (error) {
      throw this.wrap('increment', key, error);
    }
    throw new StateStoreError(
      `increment gave up on key ${describeKey(key)} in table "${this.tableName}" after ${this.maxIncrementRounds} contended rounds`,
    );
  }

  async getCounters(keys: readonly string[]): Promise<number[]> {
    // BatchGetItem rejects duplicate keys in one request, so fetch each distinct key once.
    const distinct = [...new Set(keys)];
    const values = new Map<string, number>();
    for (let start = 0; start < distinct.length; start += BATCH_GET_LIMIT) {
      const chunk = distinct.slice(start, start + BATCH_GET_LIMIT);
      for (const item of await this.batchGet(chunk)) {
        const key = item[PK];
        const count = item[COUNT];
        if (typeof key === 'string' && typeof count === 'number' && this.isLive(item)) values.set(key, count);
      }
    }
    return keys.map((key) => values.get(key) ?? 0);
  }

  /** The counter's new value, or `undefined` when the condition did not hold. */
  private async conditionalAdd(
    key: string,
    update: Pick<
      UpdateCommandInput,
      'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
    >,
  ): Promise<number | undefined> {
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [PK]: key },
          ...update,
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      const value = out.Attributes?.[COUNT];
      if (typeof value !== 'number')
        throw new StateStoreError(`UpdateItem returned no numeric "${COUNT}" attribute`);
      return value;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  private async batchGet(keys: readonly string[]): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let pending: Record<string, unknown>[] = keys.map((key) => ({ [PK]: key }));
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > this.maxBatchGetAttempts) {
        throw new StateStoreError(
          `getCounters: ${pending.length} key(s) still unprocessed after ${this.maxBatchGetAttempts} attempts in table "${this.tableName}", first key ${describeKey(String(pending[0]?.[PK]))}`,
        );
      }
      if (attempt > 1) await this.sleep(backoffMs(attempt - 1));
      try {
        const out = await this.doc.send(
          new BatchGetCommand({
            RequestItems: {
              [this.tableName]: {
                Keys: pending,
                ConsistentRead: true,
                ProjectionExpression: '#pk, #c, #ttl',
                ExpressionAttributeNames: { '#pk': PK, '#c': COUNT, '#ttl': TTL },
              },
            },
          }),
        );
        items.push(...(out.Responses?.[this.tableName] ?? []));
        pending = out.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      } catch (error) {
        throw this.wrap('getCounters', String(pending[0]?.[PK]), error);
      }
    }
    return items;
  }

  private isLive(item: Record<string, unknown>): boolean {
    const expiresAt = item[TTL];
    return typeof expiresAt !== 'number' || expiresAt > this.nowSeconds();
  }

  private nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  /** Rounded up so an item lives at least `ttlSeconds`. */
  private expiresAt(ttlSeconds: number): number {
    return Math.ceil(this.now() / 1000 + ttlSeconds);
  }

  private wrap(operation: string, key: string, cause: unknown): StateStoreError {
    const detail = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    return new StateStoreError(
      `${operation} failed for key ${describeKey(key)} in table "${this.tableName}": ${detail}`,
      { cause },
    );
  }
}

/** Exponential backoff with full jitter: 50 ms, 100 ms, 200 ms … capped at 2 s. */
function backoffMs(retry: number): number {
  const ceiling = Math.min(2000, 50 * 2 ** (retry - 1));
  return Math.floor(Math.random() * ceiling) + 1;
}
