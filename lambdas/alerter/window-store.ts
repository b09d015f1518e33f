import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from '../adapters/dynamodb-errors';
import { TABLES } from '../shared/contract';
import type { AggregationWindow } from './aggregation';

const PK = TABLES.state.partitionKey;
const TTL = TABLES.state.ttlAttribute;

/** Where aggregation windows live. Writes are optimistic: a lost race returns false and the caller re-reads. */
export interface WindowStore {
  get(key: string): Promise<AggregationWindow | undefined>;
  /** Stores `next` if the stored window still has `expectedVersion` (`undefined`: if there is none). */
  put(next: AggregationWindow, expectedVersion: number | undefined): Promise<boolean>;
}

/** A window read or write failed for a reason other than a lost race. */
export class WindowStoreError extends Error {
  override readonly name = 'WindowStoreError';
}

/** Kept after the window ends, so late repeats still find it; DynamoDB's TTL removes it afterwards. */
const RETAIN_AFTER_END_SECONDS = 2 * 24 * 3600;

/**
 * Windows as items of the engine state table (`alert-window#…` keys). The window is one JSON attribute next to a
 * version number that every write checks and increments.
 */
export class DynamoDbWindowStore implements WindowStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {
    this.doc = DynamoDBDocumentClient.from(client);
  }

  async get(key: string): Promise<AggregationWindow | undefined> {
    let item: Record<string, unknown> | undefined;
    try {
      const out = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: { [PK]: key }, ConsistentRead: true }),
      );
      item = out.Item;
    } catch (error) {
      throw this.wrap('get', key, error);
    }
    if (item === undefined) return undefined;
    const expiresAt = item[TTL];
    if (typeof expiresAt === 'number' && expiresAt <= Math.floor(this.now() / 1000)) return undefined;
    const { w, v } = item;
    if (typeof w !== 'string' || typeof v !== 'number') {
      throw new WindowStoreError(`malformed aggregation window ${key} in table "${this.tableName}"`);
    }
    try {
      return { ...(JSON.parse(w) as Omit<AggregationWindow, 'version'>), version: v };
    } catch (error) {
      throw new WindowStoreError(`aggregation window ${key} in table "${this.tableName}" is not JSON`, {
        cause: error,
      });
    }
  }

  async put(next: AggregationWindow, expectedVersion: number | undefined): Promise<boolean> {
    const { version: _ignored, ...window } = next;
    const nowSeconds = Math.floor(this.now() / 1000);
    const expiresAt = Math.max(nowSeconds, Math.ceil(next.end / 1000)) + RETAIN_AFTER_END_SECONDS;
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            [PK]: next.key,
            [TTL]: expiresAt,
            v: (expectedVersion ?? 0) + 1,
            w: JSON.stringify(window),
          },
          ...(expectedVersion === undefined
            ? {
                // Absent, or expired but not yet removed by DynamoDB.
                ConditionExpression: 'attribute_not_exists(#pk) OR #ttl <= :now',
                ExpressionAttributeNames: { '#pk': PK, '#ttl': TTL },
                ExpressionAttributeValues: { ':now': nowSeconds },
              }
            : {
                ConditionExpression: '#v = :expected',
                ExpressionAttributeNames: { '#v': 'v' },
                ExpressionAttributeValues: { ':expected': expectedVersion },
              }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw this.wrap('put', next.key, error);
    }
  }

  private wrap(operation: string, key: string, cause: unknown): WindowStoreError {
    const detail = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    return new WindowStoreError(
      `${operation} of aggregation window ${key} failed in table "${this.tableName}": ${detail}`,
      { cause },
    );
  }
}

/** Windows in memory, with the same optimistic versioning (tests, and a single-process run). */
export class InMemoryWindowStore implements WindowStore {
  private readonly windows = new Map<string, AggregationWindow>();

  async get(key: string): Promise<AggregationWindow | undefined> {
    return this.windows.get(key);
  }

  async put(next: AggregationWindow, expectedVersion: number | undefined): Promise<boolean> {
    const stored = this.windows.get(next.key);
    if (stored?.version !== expectedVersion) return false;
    this.windows.set(next.key, { ...next, version: (expectedVersion ?? 0) + 1 });
    return true;
  }
}
