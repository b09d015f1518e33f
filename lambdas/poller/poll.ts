import type { CloudTrailRecord } from '../engine/types';
import type { CheckpointStore, PollerLease } from './checkpoint';
import { type CollectDeps, type CollectOptions, collectRegion, type RegionResult } from './collect';
import type { ForwardResult } from './forward';

export type PollerMetric =
  | 'PolledEvents'
  | 'PolledEventsForwarded'
  | 'PolledInvalidRecords'
  | 'PolledOversizedRecords';

export interface PollerDeps extends Omit<CollectDeps, 'sink'> {
  readonly checkpoints: CheckpointStore;
  readonly lease: PollerLease;
  /** Which records the analyzer needs (the detections' delivery patterns). */
  readonly accept: (record: CloudTrailRecord) => boolean;
  /** Sends records to the analyzer queue. */
  readonly forward: (records: readonly CloudTrailRecord[]) => Promise<ForwardResult>;
  readonly count: (metric: PollerMetric, value: number) => void;
}

export interface PollerRunOptions extends Omit<CollectOptions, 'firstStart'> {
  readonly regions: readonly string[];
  /** Hours of history a region without a checkpoint starts with. */
  readonly backfillHours: number;
  /** Identifies this run in the lease (the Lambda request id). */
  readonly holder: string;
  /** Stop starting pages at this instant (epoch milliseconds). */
  readonly deadline: number;
  /** When the lease lapses if the run dies without giving it back (epoch milliseconds). @default deadline */
  readonly leaseUntil?: number;
}

export interface PollerRunResult {
  /** `false` when another run held the lease: this one did nothing. */
  readonly ran: boolean;
  readonly regions: readonly RegionResult[];
  /** Regions that failed, with the reason (their position is saved up to their last good page). */
  readonly failed: readonly { readonly region: string; readonly error: Error }[];
  /** Largest lag over the regions, in seconds (undefined when no region has a checkpoint). */
  readonly lagSeconds?: number;
}

/** Some regions failed; the others completed and saved their positions. */
export class PollerRunError extends Error {
  override readonly name = 'PollerRunError';
}

/**
 * One scheduled run: take the lease (one run at a time, so one caller of LookupEvents per region and the 2-per-second
 * bucket holds), collect every region in parallel (each has its own limit and checkpoint), forward what the
 * detections need to the analyzer queue, give the lease back. A failing region does not stop the others.
 */
export async function runPoller(deps: PollerDeps, options: PollerRunOptions): Promise<PollerRunResult> {
  if (!(await deps.lease.acquire(options.holder, options.leaseUntil ?? options.deadline))) {
    deps.log.info('another poller run holds the lease; nothing to do', { holder: options.holder });
    return { ran: false, regions: [], failed: [] };
  }
  try {
    const firstStart = deps.now() - options.backfillHours * 3600_000;
    const sink = async (records: CloudTrailRecord[], region: string) => {
      deps.count('PolledEvents', records.length);
      const wanted = records.filter(deps.accept);
      if (wanted.length === 0) return;
      const { sent, oversized } = await deps.forward(wanted);
      deps.count('PolledEventsForwarded', sent);
      if (oversized.length > 0) {
        deps.count('PolledOversizedRecords', oversized.length);
        for (const record of oversized) {
          deps.log.warn('record too large for an SQS message; not analysed', {
            region,
            eventId: record.eventID,
          });
        }
      }
    };
    const settled = await Promise.allSettled(
      options.regions.map((region) => collectRegion(region, { ...deps, sink }, { ...options, firstStart })),
    );
    const regions: RegionResult[] = [];
    const failed: { region: string; error: Error }[] = [];
    const lags: number[] = [];
    for (const [i, outcome] of settled.entries()) {
      const region = options.regions[i] as string;
      if (outcome.status === 'fulfilled') {
        regions.push(outcome.value);
        deps.count('PolledInvalidRecords', outcome.value.invalid);
        if (outcome.value.status !== 'superseded') lags.push(outcome.value.lagSeconds);
        deps.log.info('region polled', { ...outcome.value });
        continue;
      }
      const error = outcome.reason instanceof Error ? outcome.reason : new Error(String(outcome.reason));
      failed.push({ region, error });
      deps.log.error('region poll failed; its position is saved up to the last page sent', {
        region,
        reason: `${error.name}: ${error.message}`,
      });
      // Its lag still counts: a region that always fails must show up as falling behind.
      const checkpoint = await deps.checkpoints.load(region).catch(() => undefined);
      if (checkpoint) lags.push(Math.max(0, Math.round((deps.now() - checkpoint.collectedUntil) / 1000)));
    }
    return { ran: true, regions, failed, lagSeconds: lags.length > 0 ? Math.max(...lags) : undefined };
  } finally {
    await deps.lease.release(options.holder);
  }
}
