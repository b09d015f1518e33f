import {
  type CloudTrailClient,
  type Event,
  type LookupAttribute,
  LookupAttributeKey,
  LookupEventsCommand,
} from '@aws-sdk/client-cloudtrail';
import { parseCloudTrailRecord } from '../engine/record';
import type { CloudTrailRecord } from '../engine/types';
import type { TokenBucket } from './token-bucket';

/**
 * LookupEvents limits (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html):
 * 2 requests per second per account and region, 50 events a page, one lookup attribute, 90 days of history.
 */
export const LOOKUP_LIMITS = {
  requestsPerSecond: 2,
  maxResults: 50,
  maxLookupAttributes: 1,
  retentionMs: 90 * 24 * 3600 * 1000,
} as const;

/** LookupEvents kept refusing with throttling after the SDK's adaptive retries and ours. */
export class LookupThrottledError extends Error {
  override readonly name = 'LookupThrottledError';
}

/** A lookup attribute was malformed (the API takes at most one, with a known key and a value). */
export class InvalidLookupAttributeError extends Error {
  override readonly name = 'InvalidLookupAttributeError';
}

export interface LookupRequest {
  readonly start: number;
  readonly end: number;
  readonly nextToken?: string;
  readonly lookupAttribute?: LookupAttribute;
}

export interface LookupPage {
  /** Valid records, in the order CloudTrail returned them (newest first). */
  readonly records: CloudTrailRecord[];
  /** Event time of the oldest event on the page (valid or not), epoch milliseconds. */
  readonly oldestEventTime?: number;
  /** Events whose `CloudTrailEvent` is not an analysable record: their ids and why. */
  readonly invalid: { readonly eventId: string; readonly reason: string }[];
  readonly nextToken?: string;
}

export interface LookupOptions {
  /** Attempts on ThrottlingException that reaches us (the SDK's adaptive retries are spent by then). @default 4 */
  readonly throttleAttempts?: number;
  /** Base backoff between those attempts, doubled each time. @default 1000 */
  readonly backoffMs?: number;
  readonly sleep: (ms: number) => Promise<void>;
}

const KEYS = new Set<string>(Object.values(LookupAttributeKey));

/** Parses `Key=Value` (as the CLI takes it) into the one lookup attribute the API allows. */
export function parseLookupAttribute(text: string): LookupAttribute {
  const at = text.indexOf('=');
  const key = at > 0 ? text.slice(0, at) : '';
  const value = at > 0 ? text.slice(at + 1) : '';
  if (!KEYS.has(key) || value === '') {
    throw new InvalidLookupAttributeError(
      `lookup attribute "${text}" must be Key=Value with Key one of ${[...KEYS].join(', ')}`,
    );
  }
  return { AttributeKey: key as LookupAttributeKey, AttributeValue: value };
}

/** One page of LookupEvents, after a token from the region's bucket, retrying throttling with backoff. */
export async function lookupPage(
  client: CloudTrailClient,
  bucket: TokenBucket,
  request: LookupRequest,
  options: LookupOptions,
): Promise<LookupPage> {
  const attempts = options.throttleAttempts ?? 4;
  const backoff = options.backoffMs ?? 1000;
  for (let attempt = 1; ; attempt++) {
    await bucket.take();
    try {
      const out = await client.send(
        new LookupEventsCommand({
          StartTime: new Date(request.start),
          EndTime: new Date(request.end),
          MaxResults: LOOKUP_LIMITS.maxResults,
          NextToken: request.nextToken,
          LookupAttributes: request.lookupAttribute ? [request.lookupAttribute] : undefined,
        }),
      );
      return toPage(out.Events ?? [], out.NextToken);
    } catch (error) {
      if (!isThrottling(error)) throw error;
      if (attempt >= attempts) {
        throw new LookupThrottledError(`LookupEvents still throttled after ${attempts} attempts`, {
          cause: error,
        });
      }
      await options.sleep(backoff * 2 ** (attempt - 1));
    }
  }
}

function toPage(events: readonly Event[], nextToken: string | undefined): LookupPage {
  const records: CloudTrailRecord[] = [];
  const invalid: { eventId: string; reason: string }[] = [];
  let oldest: number | undefined;
  for (const event of events) {
    const time = event.EventTime?.getTime();
    if (time !== undefined && !Number.isNaN(time))
      oldest = oldest === undefined ? time : Math.min(oldest, time);
    const eventId = event.EventId ?? '(no id)';
    try {
      const record = parseCloudTrailRecord(JSON.parse(event.CloudTrailEvent ?? ''), `event ${eventId}`);
      records.push(record);
      const recordTime = Date.parse(record.eventTime);
      oldest = oldest === undefined ? recordTime : Math.min(oldest, recordTime);
    } catch (error) {
      invalid.push({ eventId, reason: (error as Error).message });
    }
  }
  return { records, invalid, oldestEventTime: oldest, nextToken: nextToken || undefined };
}

/** Matched by name so it works whichever copy of the SDK threw it. */
export function isThrottling(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'ThrottlingException' || name === 'TooManyRequestsException';
}

export function isInvalidNextToken(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'InvalidNextTokenException';
}
