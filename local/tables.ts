import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TABLES } from '../lambdas/shared/contract';

/** Creates the engine state table as the stack defines it (keys from TABLES; TTL is enforced at read time). */
export async function createStateTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: TABLES.state.partitionKey, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: TABLES.state.partitionKey, KeyType: 'HASH' }],
    }),
  );
}

/** Creates the remediation audit table as the stack defines it. */
export async function createAuditTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: TABLES.audit.partitionKey, AttributeType: 'S' },
        { AttributeName: TABLES.audit.sortKey, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: TABLES.audit.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLES.audit.sortKey, KeyType: 'RANGE' },
      ],
    }),
  );
}
