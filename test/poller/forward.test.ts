import { SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import { deliveryFilter, ForwardError, forwardRecords, MAX_BATCH_BYTES } from '../../lambdas/poller/forward';
import { InvalidRegionError, parseRegions, pollRegions } from '../../lambdas/poller/regions';
import { catalog } from '../../lambdas/rules';
import { createQueue, drainQueue } from '../analyzer/support';
import { motoClientConfig } from '../support/aws';
import { record } from './support';

let sqs: SQSClient;
beforeAll(() => {
  sqs = new SQSClient(motoClientConfig());
});

const NOW = Date.parse('2025-06-01T12:00:00Z');

describe('forwardRecords (moto_server SQS)', () => {
  it('sends every record as one message in batches that fit SQS limits when records are large', async () => {
    // Prepare: 25 records of ~40 KB: at most 6 fit in one 256 KiB batch.
    const queue = await createQueue(sqs);
    const records = Array.from({ length: 25 }, (_, i) => ({
      ...record('stop-logging', NOW - i * 1000),
      padding: 'x'.repeat(40_000),
    }));
    // Act
    const result = await forwardRecords(sqs, queue.url, records);
    const messages = await drainQueue(sqs, queue.url);
    // Assess
    expect(result).toEqual({ sent: 25, oversized: [] });
    expect(messages.map((m) => JSON.parse(m.Body ?? '{}').eventID).sort()).toEqual(
      records.map((r) => r.eventID).sort(),
    );
  });

  it('skips and returns a record too large for an SQS message', async () => {
    // Prepare
    const queue = await createQueue(sqs);
    const huge = { ...record('stop-logging', NOW), padding: 'x'.repeat(MAX_BATCH_BYTES) };
    const small = record('admin-policy', NOW);
    // Act
    const result = await forwardRecords(sqs, queue.url, [huge, small]);
    // Assess
    expect(result.sent).toBe(1);
    expect(result.oversized.map((r) => r.eventID)).toEqual([huge.eventID]);
    expect((await drainQueue(sqs, queue.url)).map((m) => JSON.parse(m.Body ?? '{}').eventID)).toEqual([
      small.eventID,
    ]);
  });

  it('retries only the entries SQS failed and throws when they keep failing', async () => {
    // Prepare: SQS rejecting entries is not something moto can be made to do, so this one is mocked.
    const client = new SQSClient({ region: 'us-east-1' });
    const mock = mockClient(client);
    mock.resolves({
      Successful: [{ Id: '0', MessageId: 'm', MD5OfMessageBody: '' }],
      Failed: [{ Id: '1', Code: 'InternalError', SenderFault: false }],
    });
    // Act
    const attempt = forwardRecords(client, 'https://queue', [record('noise', NOW), record('noise', NOW)]);
    // Assess
    await expect(attempt).rejects.toThrow(ForwardError);
    await expect(attempt).rejects.toThrow(
      /1 record\(s\) could not be sent .* after 3 attempts \(first: InternalError/,
    );
    const retried = mock
      .calls()
      .slice(1)
      .map((c) => (c.args[0].input as { Entries: { Id: string }[] }).Entries.map((e) => e.Id));
    expect(retried).toEqual([['1'], ['1']]);
    mock.restore();
  });
});

describe('deliveryFilter', () => {
  it('accepts exactly the records a detection pattern matches', () => {
    // Prepare
    const accept = deliveryFilter(catalog);
    // Act / Assess
    expect(accept(record('stop-logging', NOW))).toBe(true);
    expect(accept(record('admin-policy', NOW))).toBe(true);
    expect(accept(record('noise', NOW))).toBe(false);
  });
});

describe('poll regions', () => {
  it('polls the global-events region first and then the configured regions, each once', () => {
    expect(pollRegions([], 'eu-west-1')).toEqual(['us-east-1', 'eu-west-1']);
    expect(pollRegions(['eu-west-1', 'us-east-1'], 'eu-west-1')).toEqual(['us-east-1', 'eu-west-1']);
    expect(pollRegions([], 'us-gov-east-1')).toEqual(['us-gov-west-1', 'us-gov-east-1']);
    expect(pollRegions([], 'cn-northwest-1')).toEqual(['cn-north-1', 'cn-northwest-1']);
  });

  it('rejects a region list entry that is not a region name', () => {
    expect(parseRegions(' eu-west-1, ap-southeast-2 ,eu-west-1')).toEqual(['eu-west-1', 'ap-southeast-2']);
    expect(parseRegions('')).toEqual([]);
    expect(() => parseRegions('eu-west-1,Frankfurt')).toThrow(InvalidRegionError);
    expect(() => parseRegions(['eu-west'])).toThrow(/not a region name: "eu-west"/);
  });
});
