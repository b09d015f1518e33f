import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';

/** The fields of an audit record the daily summary counts. */
export interface AuditLine {
  readonly ruleId: string;
  readonly actionId: string;
  readonly status: string;
}

export interface AuditReader {
  /** Records last updated in [from, to) (ISO times), at most `maxItems`; `truncated` when more exist. */
  updatedBetween(
    from: string,
    to: string,
    maxItems: number,
  ): Promise<{ records: AuditLine[]; truncated: boolean }>;
}

/** The audit table could not be read. */
export class AuditScanError extends Error {
  override readonly name = 'AuditScanError';
}

/**
 * Reads the audit table with a filtered Scan. The table has no time index; it holds one item per remediation
 * step ever planned, a small table (remediation is rare), and the summary reads it once a day, so a Scan bounded
 * by `maxItems` costs less than keeping an index for it.
 */
export class DynamoDbAuditReader implements AuditReader {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client);
  }

  async updatedBetween(
    from: string,
    to: string,
    maxItems: number,
  ): Promise<{ records: AuditLine[]; truncated: boolean }> {
    const records: AuditLine[] = [];
    let startKey: Record<string, unknown> | undefined;
    try {
      do {
        const page = await this.doc.send(
          new ScanCommand({
            TableName: this.tableName,
            FilterExpression: '#u >= :from AND #u < :to',
            ProjectionExpression: '#r, #a, #s',
            ExpressionAttributeNames: { '#u': 'updatedAt', '#r': 'ruleId', '#a': 'actionId', '#s': 'status' },
            ExpressionAttributeValues: { ':from': from, ':to': to },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) {
          if (records.length >= maxItems) return { records, truncated: true };
          const { ruleId, actionId, status } = item;
          if (typeof ruleId === 'string' && typeof actionId === 'string' && typeof status === 'string') {
            records.push({ ruleId, actionId, status });
          }
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey !== undefined);
    } catch (error) {
      const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new AuditScanError(`reading audit table "${this.tableName}" failed: ${detail}`, { cause: error });
    }
    return { records, truncated: false };
  }
}
