import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Finding } from '../engine/types';
import { TABLES } from '../shared/contract';
import { isConditionalCheckFailed } from './dynamodb-errors';

const PK = TABLES.state.partitionKey;
export const LAST_FINDING_KEY = 'status#last-finding';

/** What `trailguard status` shows of the most recent finding. Untrusted text stays out: ids, rule, times. */
export interface LastFinding {
  readonly id: string;
  readonly ruleId: string;
  readonly severity: string;
  readonly eventTime: string;
  readonly detectedAt: string;
}

/**
 * The most recent finding the analyzer published, one state-table item (no expiry). Writes are conditional on
 * `detectedAt`, so concurrent analyzers never replace a newer finding with an older one.
 */
export class DynamoDbLastFinding {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client);
  }

  /** Records the newest of `findings` unless a newer one is already recorded. */
  async record(findings: readonly Finding[]): Promise<void> {
    const newest = [...findings].sort((a, b) => Date.parse(b.detectedAt) - Date.parse(a.detectedAt))[0];
    if (newest === undefined) return;
    const detectedAtMs = Date.parse(newest.detectedAt);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            [PK]: LAST_FINDING_KEY,
            id: newest.id,
            ruleId: newest.ruleId,
            severity: newest.severity,
            eventTime: newest.eventTime,
            detectedAt: newest.detectedAt,
            detectedAtMs,
          },
          ConditionExpression: 'attribute_not_exists(#pk) OR detectedAtMs <= :t',
          ExpressionAttributeNames: { '#pk': PK },
          ExpressionAttributeValues: { ':t': detectedAtMs },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  async get(): Promise<LastFinding | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { [PK]: LAST_FINDING_KEY }, ConsistentRead: true }),
    );
    const item = out.Item;
    if (item === undefined) return undefined;
    const text = (key: string) => (typeof item[key] === 'string' ? (item[key] as string) : '');
    return {
      id: text('id'),
      ruleId: text('ruleId'),
      severity: text('severity'),
      eventTime: text('eventTime'),
      detectedAt: text('detectedAt'),
    };
  }
}
