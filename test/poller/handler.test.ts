import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoDbCheckpointStore } from '../../lambdas/adapters/dynamodb-checkpoint';
import { ENV, POLLED_MESSAGE_ATTRIBUTE } from '../../lambdas/shared/contract';
import { createQueue, createStateTable, drainQueue } from '../analyzer/support';
import { motoClientConfig } from '../support/aws';
import { FakeEventHistory, record } from './support';

/*
 * The Lambda entry as deployed: SQS and DynamoDB are moto_server's (through AWS_ENDPOINT_URL, as the local run
 * does); LookupEvents is not implemented by moto (HTTP 500), so CloudTrail is mocked with aws-sdk-client-mock.
 */
const cloudTrail = mockClient(CloudTrailClient);
const saved = { ...process.env };
let table: string;
let queueUrl: string;

beforeAll(async () => {
  table = await createStateTable(new DynamoDBClient(motoClientConfig()));
  queueUrl = (await createQueue(new SQSClient(motoClientConfig()))).url;
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: inject('motoEndpoint'),
    [ENV.stateTable]: table,
    [ENV.analyzerQueueUrl]: queueUrl,
    [ENV.pollerRegions]: 'us-east-1',
    [ENV.pollerBackfillHours]: '1',
  });
});

afterAll(() => {
  process.env = saved;
  cloudTrail.restore();
});

const context = (id: string, remainingMs: number) =>
  ({
    awsRequestId: id,
    getRemainingTimeInMillis: () => remainingMs,
    functionName: 'poller',
  }) as unknown as Context;

describe('poller handler', () => {
  it('collects the backfill window, sends what the detections need, saves the checkpoint and reports each region', async () => {
    // Prepare
    const now = Date.now();
    const stop = record('stop-logging', now - 40 * 60_000);
    const history = new FakeEventHistory().add(stop, record('noise', now - 10 * 60_000));
    cloudTrail.on(LookupEventsCommand).callsFake(history.lookup);
    const { handler } = await import('../../lambdas/handlers/poller');
    // Act
    const result = await handler({}, context('run-1', 120_000));
    // Assess
    expect(result).toEqual({ ran: true, regions: [{ region: 'us-east-1', status: 'caught-up' }] });
    expect(history.calls[0]?.StartTime?.getTime()).toBeLessThanOrEqual(now - 60 * 60_000);
    const messages = await drainQueue(new SQSClient(motoClientConfig()), queueUrl, {
      messageAttributes: true,
    });
    expect(messages.map((m) => JSON.parse(m.Body ?? '{}').eventID)).toEqual([stop.eventID]);
    expect(messages[0]?.MessageAttributes?.[POLLED_MESSAGE_ATTRIBUTE.name]?.StringValue).toBe('poller');
    const checkpoint = await new DynamoDbCheckpointStore(new DynamoDBClient(motoClientConfig()), table).load(
      'us-east-1',
    );
    expect(checkpoint?.collectedUntil).toBeGreaterThanOrEqual(now);
  });

  it('fails the invocation, naming the region and the reason, when LookupEvents fails', async () => {
    // Prepare
    cloudTrail
      .on(LookupEventsCommand)
      .rejects(Object.assign(new Error('nope'), { name: 'AccessDeniedException' }));
    const { handler } = await import('../../lambdas/handlers/poller');
    // Act / Assess
    await expect(handler({}, context('run-2', 120_000))).rejects.toThrow(
      /poll failed in us-east-1 \(AccessDeniedException: nope\)/,
    );
  });
});
