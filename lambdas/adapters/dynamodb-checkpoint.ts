import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Checkpoint, CheckpointStore, CheckpointUpdate, PollerLease } from '../poller/checkpoint';
import { TABLES } from '../shared/contract';
import { isConditionalCheckFailed } from './dynamodb-errors';

const PK = TABLES.state.partitionKey;
const TTL = TABLES.state.ttlAttribute;

/** State-table keys of the poller's items. Checkpoints have no expiry; the lease expires with the run. */
export const POLLER_KEYS = {
  checkpoint: (region: string) => `poller#checkpoint#${region}`,
  lease: 'poller#lease',
} as const;

/** A checkpoint item was unreadable (written by something else, or damaged). */
export class CheckpointFormatError extends Error {
  override readonly name = 'CheckpointFormatError';
}

const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/**
 * Poller checkpoints and the run lease in the state table. Every checkpoint write is conditional on the revision
 * the run read, so two overlapping runs can never move a checkpoint backwards: the slower one's write fails and it
 * stops.
 */
export class DynamoDbCheckpointStore implements CheckpointStore, PollerLease {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {
    this.doc = DynamoDBDocumentClient.from(client);
  }

  async load(region: string): Promise<Checkpoint | undefined> {
    const key = POLLER_KEYS.checkpoint(region);
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { [PK]: key }, ConsistentRead: true }),
    );
    if (out.Item === undefined) return undefined;
    const item = out.Item;
    const collectedUntil = num(item.collectedUntil);
    const revision = num(item.revision);
    if (collectedUntil === undefined || revision === undefined) {
      throw new CheckpointFormatError(
        `checkpoint ${key} in table "${this.tableName}" has no numeric collectedUntil and revision`,
      );
    }
    const start = num(item.openStart);
    const end = num(item.openEnd);
    return {
      collectedUntil,
      revision,
      savedAt: num(item.savedAt) ?? 0,
      open:
        start !== undefined && end !== undefined
          ? {
              start,
              end,
              nextToken: typeof item.openNextToken === 'string' ? item.openNextToken : undefined,
              oldestSeen: num(item.openOldestSeen),
            }
          : undefined,
    };
  }

  async save(region: string, next: CheckpointUpdate, expectedRevision: number): Promise<number | undefined> {
    const revision = expectedRevision + 1;
    const item: Record<string, unknown> = {
      [PK]: POLLER_KEYS.checkpoint(region),
      region,
      collectedUntil: next.collectedUntil,
      savedAt: next.savedAt,
      revision,
    };
    if (next.open) {
      item.openStart = next.open.start;
      item.openEnd = next.open.end;
      if (next.open.nextToken !== undefined) item.openNextToken = next.open.nextToken;
      if (next.open.oldestSeen !== undefined) item.openOldestSeen = next.open.oldestSeen;
    }
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ...(expectedRevision === 0
            ? { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': PK } }
            : {
                ConditionExpression: '#rev = :expected',
                ExpressionAttributeNames: { '#rev': 'revision' },
                ExpressionAttributeValues: { ':expected': expectedRevision },
              }),
        }),
      );
      return revision;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  async acquire(holder: string, untilMs: number): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { [PK]: POLLER_KEYS.lease, holder, [TTL]: Math.ceil(untilMs / 1000) },
          ConditionExpression: 'attribute_not_exists(#pk) OR #ttl <= :now OR holder = :holder',
          ExpressionAttributeNames: { '#pk': PK, '#ttl': TTL },
          ExpressionAttributeValues: { ':now': Math.floor(this.now() / 1000), ':holder': holder },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async release(holder: string): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { [PK]: POLLER_KEYS.lease },
          ConditionExpression: 'holder = :holder',
          ExpressionAttributeValues: { ':holder': holder },
        }),
      );
    } catch (error) {
      // Someone else holds it now (ours expired): theirs to release.
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }
}
