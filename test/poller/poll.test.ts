import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbCheckpointStore } from '../../lambdas/adapters/dynamodb-checkpoint';
import { DynamoDbStateStore } from '../../lambdas/adapters/dynamodb-state';
import { type AnalyzerDeps, analyzeMessage } from '../../lambdas/analyzer/analyze';
import { ConfigSource } from '../../lambdas/config/config-source';
import { DetectionEngine } from '../../lambdas/engine/engine';
import type { CloudTrailRecord, Finding } from '../../lambdas/engine/types';
import { deliveryFilter, forwardRecords } from '../../lambdas/poller/forward';
import { LOOKUP_LIMITS } from '../../lambdas/poller/lookup';
import { type PollerDeps, type PollerMetric, runPoller } from '../../lambdas/poller/poll';
import { TokenBucket } from '../../lambdas/poller/token-bucket';
import { catalog } from '../../lambdas/rules';
import { POLLED_MESSAGE_ATTRIBUTE } from '../../lambdas/shared/contract';
import { recordingLog } from '../../lambdas/shared/log';
import { createQueue, createStateTable, drainQueue } from '../analyzer/support';
import { motoClientConfig } from '../support/aws';
import { FakeEventHistory, record, SteppingClock } from './support';

/*
 * SQS and DynamoDB are moto_server's; CloudTrail LookupEvents is not implemented by moto (HTTP 500), so the
 * CloudTrail client is mocked with aws-sdk-client-mock over FakeEventHistory.
 */
const cloudTrail = mockClient(CloudTrailClient);
const NOW = Date.parse('2025-06-01T12:00:00Z');
const MINUTE = 60_000;

let dynamodb: DynamoDBClient;
let sqs: SQSClient;

beforeAll(() => {
  dynamodb = new DynamoDBClient(motoClientConfig());
  sqs = new SQSClient(motoClientConfig());
});
beforeEach(() => cloudTrail.reset());
afterEach(() => cloudTrail.reset());

async function poller(history: FakeEventHistory, clock: SteppingClock) {
  cloudTrail.on(LookupEventsCommand).callsFake(history.lookup);
  const table = await createStateTable(dynamodb);
  const queue = await createQueue(sqs);
  const store = new DynamoDbCheckpointStore(dynamodb, table, clock.now);
  const counts = new Map<PollerMetric, number>();
  const buckets = new Map<string, TokenBucket>();
  const deps: PollerDeps = {
    cloudTrail: (region) => new CloudTrailClient({ region }),
    bucket: (region) => {
      const bucket =
        buckets.get(region) ?? new TokenBucket({ ratePerSecond: LOOKUP_LIMITS.requestsPerSecond, clock });
      buckets.set(region, bucket);
      return bucket;
    },
    checkpoints: store,
    lease: store,
    accept: deliveryFilter(catalog),
    forward: (records) => forwardRecords(sqs, queue.url, records),
    count: (metric, value) => counts.set(metric, (counts.get(metric) ?? 0) + value),
    log: recordingLog(),
    now: clock.now,
    sleep: clock.sleep,
  };
  const run = (holder: string) =>
    runPoller(deps, {
      regions: ['us-east-1'],
      backfillHours: 1,
      holder,
      deadline: clock.now() + 5 * MINUTE,
      overlapMs: 10 * MINUTE,
    });
  return { deps, run, store, table, queue, counts };
}

/** The analyzer as the Lambda wires it (engine + DynamoDB state), findings collected instead of published. */
async function analyzer() {
  const table = await createStateTable(dynamodb);
  const published: Finding[] = [];
  const deps: AnalyzerDeps = {
    engine: new DetectionEngine(catalog, { state: new DynamoDbStateStore(dynamodb, table) }),
    config: new ConfigSource({ prefix: '/trailguard', rules: catalog, fetch: async () => ({}) }),
    publish: async (findings) => {
      published.push(...findings);
    },
    log: recordingLog(),
    count: () => undefined,
  };
  return { deps, published };
}

describe('runPoller (moto_server SQS and DynamoDB, mocked LookupEvents)', () => {
  it('sends the records the detections need to the analyzer queue, marked as polled, and persists the checkpoint', async () => {
    // Prepare
    const clock = new SteppingClock(NOW);
    const stop = record('stop-logging', NOW - 20 * MINUTE);
    const admin = record('admin-policy', NOW - 10 * MINUTE);
    const noise = Array.from({ length: 60 }, (_, i) => record('noise', NOW - (i + 1) * 30_000));
    const history = new FakeEventHistory().add(stop, admin, ...noise);
    const p = await poller(history, clock);
    // Act
    const result = await p.run('run-1');
    const messages = await drainQueue(sqs, p.queue.url, { messageAttributes: true });
    // Assess
    expect(result).toMatchObject({ ran: true, failed: [] });
    expect(result.regions[0]).toMatchObject({ region: 'us-east-1', status: 'caught-up', events: 62 });
    expect(messages.map((m) => (JSON.parse(m.Body ?? '{}') as CloudTrailRecord).eventID).sort()).toEqual(
      [stop.eventID, admin.eventID].sort(),
    );
    for (const message of messages) {
      expect(message.MessageAttributes?.[POLLED_MESSAGE_ATTRIBUTE.name]?.StringValue).toBe('poller');
    }
    expect(p.counts.get('PolledEvents')).toBe(62);
    expect(p.counts.get('PolledEventsForwarded')).toBe(2);
    const checkpoint = await new DynamoDbCheckpointStore(dynamodb, p.table).load('us-east-1');
    expect(checkpoint?.collectedUntil).toBe(NOW);
    expect(result.lagSeconds).toBe(Math.round((clock.now() - NOW) / 1000));
  });

  it('produces no duplicate finding when overlapping windows send the same events twice', async () => {
    // Prepare: run 1 at NOW; run 2 five minutes later reaches 10 minutes back, over events run 1 already sent.
    const clock = new SteppingClock(NOW);
    const early = record('stop-logging', NOW - 30 * MINUTE);
    const inOverlap = record('admin-policy', NOW - 4 * MINUTE);
    const late = record('stop-logging', NOW + 2 * MINUTE);
    const history = new FakeEventHistory().add(early, inOverlap);
    const p = await poller(history, clock);
    const a = await analyzer();
    await p.run('run-1');
    history.add(late);
    clock.t = NOW + 5 * MINUTE;
    await p.run('run-2');
    const messages = await drainQueue(sqs, p.queue.url);
    // Act: the real analyzer path over every message, duplicates included.
    for (const message of messages) await analyzeMessage(message.Body ?? '', message.MessageId ?? '', a.deps);
    // Assess
    const sentIds = messages.map((m) => (JSON.parse(m.Body ?? '{}') as CloudTrailRecord).eventID);
    expect(sentIds.filter((id) => id === inOverlap.eventID)).toHaveLength(2);
    const findingIds = a.published.map((f) => f.id);
    expect(new Set(findingIds).size).toBe(findingIds.length);
    expect(a.published.map((f) => f.eventIds[0]).sort()).toEqual(
      [early.eventID, inOverlap.eventID, late.eventID].sort(),
    );
  });

  it('does nothing when another run holds the lease', async () => {
    // Prepare
    const clock = new SteppingClock(NOW);
    const history = new FakeEventHistory().add(record('stop-logging', NOW - MINUTE));
    const p = await poller(history, clock);
    await p.deps.lease.acquire('someone-else', NOW + 5 * MINUTE);
    // Act
    const result = await p.run('run-1');
    // Assess
    expect(result).toEqual({ ran: false, regions: [], failed: [] });
    expect(history.calls).toHaveLength(0);
  });

  it('finishes the other regions and reports the failing one with its lag when a region fails', async () => {
    // Prepare
    const clock = new SteppingClock(NOW);
    const history = new FakeEventHistory().add(record('stop-logging', NOW - MINUTE));
    const p = await poller(history, clock);
    const denied = new CloudTrailClient({ region: 'eu-west-1' });
    denied.send = async () => {
      throw Object.assign(new Error('no access'), { name: 'AccessDeniedException' });
    };
    const deps: PollerDeps = {
      ...p.deps,
      cloudTrail: (region) => (region === 'eu-west-1' ? denied : new CloudTrailClient({ region })),
    };
    await p.store.save('eu-west-1', { collectedUntil: NOW - 30 * MINUTE, savedAt: 0 }, 0);
    // Act
    const result = await runPoller(deps, {
      regions: ['us-east-1', 'eu-west-1'],
      backfillHours: 0,
      holder: 'run-1',
      deadline: NOW + 5 * MINUTE,
    });
    // Assess
    expect(result.regions.map((r) => [r.region, r.status])).toEqual([['us-east-1', 'caught-up']]);
    expect(result.failed.map((f) => [f.region, f.error.name])).toEqual([
      ['eu-west-1', 'AccessDeniedException'],
    ]);
    expect(result.lagSeconds).toBeGreaterThanOrEqual(30 * 60);
    // The lease was given back.
    expect(await p.deps.lease.acquire('next-run', NOW + MINUTE)).toBe(true);
  });
});
