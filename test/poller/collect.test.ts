import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../lambdas/engine/types';
import { InMemoryCheckpointStore } from '../../lambdas/poller/checkpoint';
import { type CollectDeps, collectRegion } from '../../lambdas/poller/collect';
import { LOOKUP_LIMITS } from '../../lambdas/poller/lookup';
import { TokenBucket } from '../../lambdas/poller/token-bucket';
import { recordingLog } from '../../lambdas/shared/log';
import { FakeEventHistory, record, SteppingClock } from './support';

/*
 * moto does not implement CloudTrail LookupEvents (it answers HTTP 500), so these tests replace the CloudTrail
 * client's `send` with aws-sdk-client-mock, backed by FakeEventHistory: events in [StartTime, EndTime], newest
 * first, 50 a page, tokens bound to the window, like the real API.
 */
const cloudTrail = mockClient(CloudTrailClient);
const NOW = Date.parse('2025-06-01T12:00:00Z');
const MINUTE = 60_000;

beforeEach(() => cloudTrail.reset());
afterEach(() => cloudTrail.reset());

interface Harness {
  readonly deps: CollectDeps;
  readonly clock: SteppingClock;
  readonly history: FakeEventHistory;
  readonly store: InMemoryCheckpointStore;
  readonly received: CloudTrailRecord[][];
  readonly log: ReturnType<typeof recordingLog>;
  readonly callTimes: number[];
}

function harness(
  options: { throttleCalls?: number[]; callMs?: number; store?: InMemoryCheckpointStore } = {},
): Harness {
  const clock = new SteppingClock(NOW);
  const history = new FakeEventHistory({
    clock,
    callMs: options.callMs ?? 0,
    throttleCalls: options.throttleCalls,
  });
  const callTimes: number[] = [];
  cloudTrail.on(LookupEventsCommand).callsFake((input) => {
    callTimes.push(clock.now());
    return history.lookup(input);
  });
  const store = options.store ?? new InMemoryCheckpointStore();
  const received: CloudTrailRecord[][] = [];
  const log = recordingLog();
  const bucket = new TokenBucket({ ratePerSecond: LOOKUP_LIMITS.requestsPerSecond, clock });
  const deps: CollectDeps = {
    cloudTrail: (region) => new CloudTrailClient({ region }),
    bucket: () => bucket,
    checkpoints: store,
    sink: async (records) => {
      received.push(records);
    },
    log,
    now: clock.now,
    sleep: clock.sleep,
  };
  return { deps, clock, history, store, received, log, callTimes };
}

const ids = (pages: readonly CloudTrailRecord[][]) => pages.flat().map((r) => r.eventID);

/** `n` events spread over the `minutes` before `end`, one every few seconds. */
function spread(n: number, end: number, minutes: number): CloudTrailRecord[] {
  return Array.from({ length: n }, (_, i) =>
    record(i % 7 === 0 ? 'stop-logging' : 'noise', end - Math.floor(((i + 1) * minutes * MINUTE) / (n + 1))),
  );
}

describe('collectRegion', () => {
  it('reads a window page by page, 50 events a page, and saves the checkpoint after each page', async () => {
    // Prepare
    const h = harness();
    h.history.add(...spread(120, NOW, 9));
    // Act
    const result = await collectRegion('eu-west-1', h.deps, { firstStart: NOW - 10 * MINUTE, overlapMs: 0 });
    // Assess
    expect(result).toMatchObject({ status: 'caught-up', pages: 3, events: 120 });
    expect(h.history.calls.map((c) => c.MaxResults)).toEqual([50, 50, 50]);
    expect(h.history.calls.every((c) => (c.LookupAttributes ?? []).length <= 1)).toBe(true);
    expect(new Set(ids(h.received)).size).toBe(120);
    // Each page reaches the sink oldest first.
    for (const page of h.received) {
      const times = page.map((r) => Date.parse(r.eventTime));
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }
    const saved = await h.store.load('eu-west-1');
    expect(saved).toMatchObject({ collectedUntil: NOW, revision: 3 });
    expect(saved?.open).toBeUndefined();
  });

  it('keeps to 2 LookupEvents requests per second across pages', async () => {
    // Prepare
    const h = harness();
    h.history.add(...spread(260, NOW, 9));
    // Act
    await collectRegion('eu-west-1', h.deps, { firstStart: NOW - 10 * MINUTE, overlapMs: 0 });
    // Assess
    expect(h.callTimes).toHaveLength(6);
    for (let i = 1; i < h.callTimes.length; i++) {
      expect((h.callTimes[i] as number) - (h.callTimes[i - 1] as number)).toBeGreaterThanOrEqual(500);
    }
  });

  it('retries a throttled page with backoff and loses no event when LookupEvents throttles', async () => {
    // Prepare
    const h = harness({ throttleCalls: [2, 3] });
    h.history.add(...spread(100, NOW, 9));
    // Act
    const result = await collectRegion('eu-west-1', h.deps, { firstStart: NOW - 10 * MINUTE, overlapMs: 0 });
    // Assess
    expect(result.status).toBe('caught-up');
    expect(h.history.calls).toHaveLength(4);
    expect(h.callTimes[2] as number).toBeGreaterThanOrEqual((h.callTimes[1] as number) + 1000);
    expect(h.callTimes[3] as number).toBeGreaterThanOrEqual((h.callTimes[2] as number) + 2000);
    expect(new Set(ids(h.received)).size).toBe(100);
  });

  it('stops with its position saved when throttling outlasts the retries, and the next run resumes from it', async () => {
    // Prepare
    const h = harness({ throttleCalls: [2, 3, 4] });
    const events = spread(120, NOW, 9);
    h.history.add(...events);
    const options = { firstStart: NOW - 10 * MINUTE, overlapMs: 0, lookup: { throttleAttempts: 3 } };
    // Act
    const first = await collectRegion('eu-west-1', h.deps, options);
    const second = await collectRegion('eu-west-1', h.deps, options);
    // Assess
    expect(first).toMatchObject({ status: 'throttled', pages: 1 });
    expect(h.log.entries.some((e) => e.message.includes('keeps throttling'))).toBe(true);
    expect(second.status).toBe('caught-up');
    expect(h.history.calls[4]?.NextToken).toBe(h.history.calls[1]?.NextToken);
    expect(ids(h.received).sort()).toEqual(events.map((e) => e.eventID).sort());
  });

  it('saves its position when the time budget runs out and the next run continues from it without gaps', async () => {
    // Prepare: each call takes 10 s; the first run may start pages for 25 s.
    const h = harness({ callMs: 10_000 });
    const events = spread(230, NOW, 9);
    h.history.add(...events);
    const options = { firstStart: NOW - 10 * MINUTE, overlapMs: 0 };
    // Act
    const first = await collectRegion('eu-west-1', h.deps, { ...options, deadline: NOW + 25_000 });
    const afterFirst = await h.store.load('eu-west-1');
    const second = await collectRegion('eu-west-1', h.deps, options);
    // Assess
    expect(first).toMatchObject({ status: 'budget', pages: 3 });
    expect(afterFirst?.open?.nextToken).toBeDefined();
    expect(afterFirst?.open?.end).toBe(NOW);
    expect(second.status).toBe('caught-up');
    // The second run finished the open window with its token, then read the time that passed meanwhile.
    expect(h.history.calls[3]?.NextToken).toBe(afterFirst?.open?.nextToken);
    expect(ids(h.received).sort()).toEqual(events.map((e) => e.eventID).sort());
    expect(await h.store.load('eu-west-1')).toMatchObject({ collectedUntil: h.clock.now() - 10_000 });
  });

  it('re-reads the rest of an open window from its oldest event when LookupEvents refuses the saved token', async () => {
    // Prepare: a run stopped inside [NOW - 10 min, NOW] after reading the newest 50 events.
    const events = spread(120, NOW, 9);
    const oldestRead = [...events].sort((a, b) => Date.parse(b.eventTime) - Date.parse(a.eventTime))[49];
    const store = new InMemoryCheckpointStore({
      'eu-west-1': {
        collectedUntil: NOW - 10 * MINUTE,
        savedAt: NOW,
        revision: 4,
        open: {
          start: NOW - 10 * MINUTE,
          end: NOW,
          nextToken: Buffer.from(JSON.stringify({ offset: 50, start: 0, end: 0 })).toString('base64'),
          oldestSeen: Date.parse(oldestRead?.eventTime ?? ''),
        },
      },
    });
    const h = harness({ store });
    h.history.add(...events);
    // Act
    const result = await collectRegion('eu-west-1', h.deps, { firstStart: 0, overlapMs: 0 });
    // Assess
    expect(result.status).toBe('caught-up');
    expect(h.history.calls[1]).toMatchObject({
      NextToken: undefined,
      EndTime: new Date((oldestRead ? Date.parse(oldestRead.eventTime) : 0) + 1000),
    });
    const older = events.filter((e) => Date.parse(e.eventTime) < Date.parse(oldestRead?.eventTime ?? ''));
    expect(ids(h.received)).toEqual(expect.arrayContaining(older.map((e) => e.eventID)));
  });

  it('backfills the configured history oldest hour first when a region has no checkpoint', async () => {
    // Prepare
    const h = harness();
    const old = record('admin-policy', NOW - 150 * MINUTE);
    const recent = record('stop-logging', NOW - 5 * MINUTE);
    const tooOld = record('stop-logging', NOW - 4 * 60 * MINUTE);
    h.history.add(old, recent, tooOld);
    // Act
    const result = await collectRegion('eu-west-1', h.deps, {
      firstStart: NOW - 3 * 60 * MINUTE,
      overlapMs: 0,
    });
    // Assess
    expect(result.status).toBe('caught-up');
    const windows = h.history.calls.map((c) => [c.StartTime?.getTime(), c.EndTime?.getTime()]);
    expect(windows.slice(0, 3)).toEqual([
      [NOW - 180 * MINUTE, NOW - 120 * MINUTE],
      [NOW - 120 * MINUTE, NOW - 60 * MINUTE],
      [NOW - 60 * MINUTE, NOW],
    ]);
    // Pacing at 2 requests a second took time: the last window covers it, up to the moment it opened.
    expect(windows).toHaveLength(4);
    expect(windows[3]?.[0]).toBe(NOW);
    expect(windows[3]?.[1]).toBeGreaterThan(NOW);
    expect(ids(h.received)).toEqual([old.eventID, recent.eventID]);
  });

  it('reaches back by the overlap, so an event that shows up late in the history is still collected', async () => {
    // Prepare: run 1 at NOW; an event from 2 minutes before NOW reaches the history only afterwards.
    const h = harness();
    const onTime = record('noise', NOW - 3 * MINUTE);
    const late = record('stop-logging', NOW - 2 * MINUTE);
    h.history.add(onTime);
    const options = { firstStart: NOW - 5 * MINUTE, overlapMs: 10 * MINUTE };
    await collectRegion('eu-west-1', h.deps, options);
    h.history.add(late);
    h.clock.t = NOW + 5 * MINUTE;
    // Act
    await collectRegion('eu-west-1', h.deps, options);
    // Assess
    expect(h.history.calls[1]?.StartTime?.getTime()).toBe(NOW - 10 * MINUTE);
    expect(ids(h.received)).toContain(late.eventID);
  });

  it('stops without overwriting when another run saved the checkpoint in between', async () => {
    // Prepare
    const h = harness();
    h.history.add(...spread(120, NOW, 9));
    const realSave = h.store.save.bind(h.store);
    let saves = 0;
    h.store.save = async (region, next, expected) => {
      saves += 1;
      // Another run moves the checkpoint right before this run's second save.
      if (saves === 2) await realSave(region, { collectedUntil: NOW, savedAt: NOW }, expected);
      return realSave(region, next, expected);
    };
    // Act
    const result = await collectRegion('eu-west-1', h.deps, { firstStart: NOW - 10 * MINUTE, overlapMs: 0 });
    // Assess
    expect(result.status).toBe('superseded');
    expect(await h.store.load('eu-west-1')).toMatchObject({ collectedUntil: NOW, revision: 2 });
    expect(h.log.entries.some((e) => e.message.includes('another poller run saved this region first'))).toBe(
      true,
    );
  });

  it('never asks for history older than 90 days, and says so, when the checkpoint is older than that', async () => {
    // Prepare
    const store = new InMemoryCheckpointStore({
      'eu-west-1': { collectedUntil: NOW - 120 * 24 * 60 * MINUTE, savedAt: 0, revision: 1 },
    });
    const h = harness({ store });
    // Act
    await collectRegion('eu-west-1', h.deps, { firstStart: 0, maxWindowMs: 200 * 24 * 60 * MINUTE });
    // Assess
    const start = h.history.calls[0]?.StartTime?.getTime() ?? 0;
    expect(start).toBeGreaterThanOrEqual(NOW - LOOKUP_LIMITS.retentionMs);
    expect(h.log.entries.some((e) => e.message.includes('older than the 90-day event history'))).toBe(true);
  });

  it('skips and reports history entries that are not CloudTrail records', async () => {
    // Prepare
    const h = harness();
    const good = record('stop-logging', NOW - MINUTE);
    cloudTrail.on(LookupEventsCommand).resolves({
      Events: [
        { EventId: 'bad-1', EventTime: new Date(NOW - 2 * MINUTE), CloudTrailEvent: '{"not":"a record"}' },
        { EventId: good.eventID, EventTime: new Date(NOW - MINUTE), CloudTrailEvent: JSON.stringify(good) },
      ],
    });
    // Act
    const result = await collectRegion('eu-west-1', h.deps, { firstStart: NOW - 5 * MINUTE, overlapMs: 0 });
    // Assess
    expect(result).toMatchObject({ events: 1, invalid: 1 });
    expect(ids(h.received)).toEqual([good.eventID]);
    expect(h.log.entries.find((e) => e.extra.eventId === 'bad-1')?.message).toContain('not an analysable');
  });
});
