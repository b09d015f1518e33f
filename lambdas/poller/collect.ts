import type { CloudTrailClient, LookupAttribute } from '@aws-sdk/client-cloudtrail';
import type { CloudTrailRecord } from '../engine/types';
import type { Log } from '../shared/log';
import type { Checkpoint, CheckpointStore, OpenWindow } from './checkpoint';
import {
  isInvalidNextToken,
  LOOKUP_LIMITS,
  type LookupOptions,
  LookupThrottledError,
  lookupPage,
} from './lookup';
import type { TokenBucket } from './token-bucket';

/** Defaults of the windowing; the stack and the CLI take these unless told otherwise. */
export const COLLECT_DEFAULTS = {
  /**
   * How far each window reaches back before the last collected instant. CloudTrail usually has an event in its
   * history within 5 minutes of the call, not always; events that show up late are still inside the next window.
   */
  overlapMs: 10 * 60_000,
  /** Longest window: a backlog (outage, backfill) is collected oldest window first, one hour at a time. */
  maxWindowMs: 60 * 60_000,
  /** Margin kept from the 90-day edge of the event history, so a window never starts outside it. */
  retentionMarginMs: 60 * 60_000,
} as const;

export type RegionStatus =
  /** Collected up to the time the last window opened. */
  | 'caught-up'
  /** The run's time budget ran out; the position is saved and the next run continues from it. */
  | 'budget'
  /** LookupEvents kept throttling; the position is saved. */
  | 'throttled'
  /** Another run saved this region's checkpoint in between: this run stopped without overwriting it. */
  | 'superseded';

export interface RegionResult {
  readonly region: string;
  readonly status: RegionStatus;
  readonly pages: number;
  /** Events read (valid records, after dropping repeats within the run). */
  readonly events: number;
  readonly invalid: number;
  /** Everything before this instant has been collected (epoch milliseconds). */
  readonly collectedUntil: number;
  /** Seconds between the end of the run and `collectedUntil`. */
  readonly lagSeconds: number;
}

/** Receives the records of one page, oldest first. Throws to stop the region without saving past this page. */
export type RecordSink = (records: CloudTrailRecord[], region: string) => Promise<void>;

export interface CollectDeps {
  readonly cloudTrail: (region: string) => CloudTrailClient;
  /** One bucket per region: the LookupEvents limit is per account and region. */
  readonly bucket: (region: string) => TokenBucket;
  readonly checkpoints: CheckpointStore;
  readonly sink: RecordSink;
  readonly log: Log;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

export interface CollectOptions {
  /** Where a region with no checkpoint starts (epoch milliseconds); clamped to the 90-day history. */
  readonly firstStart: number;
  /** Stop starting new pages at this instant (epoch milliseconds). @default no limit */
  readonly deadline?: number;
  /** @default COLLECT_DEFAULTS.overlapMs */
  readonly overlapMs?: number;
  /** @default COLLECT_DEFAULTS.maxWindowMs */
  readonly maxWindowMs?: number;
  /** The one lookup attribute LookupEvents allows. @default none: every management event */
  readonly lookupAttribute?: LookupAttribute;
  /** Throttling retries and backoff on top of the SDK's. */
  readonly lookup?: Omit<LookupOptions, 'sleep'>;
}

/**
 * Collects one region's CloudTrail event history from its checkpoint up to now, window after window, handing every
 * page's records to the sink and saving the position after each page. Stops when caught up, when the deadline
 * comes, when LookupEvents keeps throttling, or when another run moved the checkpoint.
 */
export async function collectRegion(
  region: string,
  deps: CollectDeps,
  options: CollectOptions,
): Promise<RegionResult> {
  const overlap = options.overlapMs ?? COLLECT_DEFAULTS.overlapMs;
  const maxWindow = options.maxWindowMs ?? COLLECT_DEFAULTS.maxWindowMs;
  const deadline = options.deadline ?? Number.POSITIVE_INFINITY;
  const client = deps.cloudTrail(region);
  const bucket = deps.bucket(region);
  const seen = new Set<string>();
  let pages = 0;
  let events = 0;
  let invalid = 0;

  const historyStart = () => deps.now() - LOOKUP_LIMITS.retentionMs + COLLECT_DEFAULTS.retentionMarginMs;
  const loaded = await deps.checkpoints.load(region);
  let checkpoint: Checkpoint = loaded ?? {
    collectedUntil: Math.max(options.firstStart, historyStart()),
    savedAt: 0,
    revision: 0,
  };
  if (checkpoint.collectedUntil < historyStart() && checkpoint.open === undefined) {
    deps.log.warn('the checkpoint is older than the 90-day event history; events before it are lost', {
      region,
      collectedUntil: new Date(checkpoint.collectedUntil).toISOString(),
    });
  }
  const result = (status: RegionStatus): RegionResult => ({
    region,
    status,
    pages,
    events,
    invalid,
    collectedUntil: checkpoint.collectedUntil,
    lagSeconds: Math.max(0, Math.round((deps.now() - checkpoint.collectedUntil) / 1000)),
  });
  /** Saves and moves on; `false` when superseded. */
  const save = async (next: Omit<Checkpoint, 'revision' | 'savedAt'>): Promise<boolean> => {
    const update = { ...next, savedAt: deps.now() };
    const revision = await deps.checkpoints.save(region, update, checkpoint.revision);
    if (revision === undefined) {
      deps.log.warn('another poller run saved this region first; stopping without overwriting it', {
        region,
      });
      return false;
    }
    checkpoint = { ...update, revision };
    return true;
  };

  for (;;) {
    const next = checkpoint.open
      ? { window: checkpoint.open, final: false }
      : openWindow(checkpoint.collectedUntil);
    let window = next.window;
    let restarted = false;
    for (;;) {
      // Progress is saved after every page, so stopping here loses nothing.
      if (deps.now() >= deadline) return result('budget');
      let page: Awaited<ReturnType<typeof lookupPage>>;
      try {
        page = await lookupPage(
          client,
          bucket,
          {
            start: Math.max(window.start, historyStart()),
            end: window.end,
            nextToken: window.nextToken,
            lookupAttribute: options.lookupAttribute,
          },
          { ...options.lookup, sleep: deps.sleep },
        );
      } catch (error) {
        if (isInvalidNextToken(error) && !restarted) {
          // Tokens do not live forever: read the rest of the window again from the oldest event seen (its second
          // is read twice; records are deduplicated by eventID downstream).
          restarted = true;
          deps.log.warn('LookupEvents refused the saved page token; re-reading the rest of the window', {
            region,
          });
          window = { start: window.start, end: (window.oldestSeen ?? window.end - 1000) + 1000 };
          continue;
        }
        if (error instanceof LookupThrottledError) {
          deps.log.warn('LookupEvents keeps throttling; the position is saved for the next run', { region });
          return result('throttled');
        }
        throw error;
      }
      pages += 1;
      invalid += page.invalid.length;
      for (const bad of page.invalid) {
        deps.log.warn('event history record is not an analysable CloudTrail record; skipped', {
          region,
          eventId: bad.eventId,
          reason: bad.reason,
        });
      }
      const fresh = page.records.filter((record) => {
        if (seen.has(record.eventID)) return false;
        seen.add(record.eventID);
        return true;
      });
      events += fresh.length;
      if (fresh.length > 0) await deps.sink(fresh.reverse(), region);
      const oldestSeen =
        page.oldestEventTime === undefined
          ? window.oldestSeen
          : Math.min(page.oldestEventTime, window.oldestSeen ?? page.oldestEventTime);
      if (page.nextToken !== undefined) {
        window = { start: window.start, end: window.end, nextToken: page.nextToken, oldestSeen };
        if (!(await save({ collectedUntil: checkpoint.collectedUntil, open: window })))
          return result('superseded');
        continue;
      }
      const collectedUntil = Math.max(checkpoint.collectedUntil, window.end);
      if (!(await save({ collectedUntil }))) return result('superseded');
      break;
    }
    if (next.final) return result('caught-up');
  }

  /**
   * The next window: from just before the collected instant (the overlap) to now, at most `maxWindow` of new time.
   * `final` when it reaches now: collecting it catches the region up.
   */
  function openWindow(collectedUntil: number): { window: OpenWindow; final: boolean } {
    const now = deps.now();
    const end = Math.min(now, collectedUntil + maxWindow);
    return { window: { start: Math.max(collectedUntil - overlap, historyStart()), end }, final: end === now };
  }
}
