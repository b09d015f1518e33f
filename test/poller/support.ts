import { randomUUID } from 'node:crypto';
import {
  type Event,
  type LookupEventsCommandInput,
  type LookupEventsCommandOutput,
  ThrottlingException,
} from '@aws-sdk/client-cloudtrail';
import type { CloudTrailRecord } from '../../lambdas/engine/types';
import { loadRuleFixture } from '../analyzer/support';

/**
 * A clock for sequential code: `sleep` moves time forward at once, and so can the fake LookupEvents (each call
 * "takes" `callMs`), so time budgets can be tested without waiting.
 */
export class SteppingClock {
  constructor(public t: number) {}
  readonly now = (): number => this.t;
  readonly sleep = async (ms: number): Promise<void> => {
    this.t += ms;
  };
}

/**
 * A clock for concurrent code: `sleep` registers a timer; `run()` fires timers in time order, letting the
 * promise chains between them settle, until none is left.
 */
export class VirtualClock {
  private timers: { at: number; seq: number; resolve: () => void }[] = [];
  private seq = 0;
  constructor(public t = 0) {}
  readonly now = (): number => this.t;
  readonly sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      this.timers.push({ at: this.t + ms, seq: this.seq++, resolve });
    });
  async run(): Promise<void> {
    await settle();
    while (this.timers.length > 0) {
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift();
      if (!next) break;
      this.t = Math.max(this.t, next.at);
      next.resolve();
      await settle();
    }
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
  await new Promise((resolve) => setImmediate(resolve));
}

/** A CloudTrail record at `time`, from a rule fixture (a finding) or a harmless read-only call (noise). */
export function record(
  kind: 'stop-logging' | 'admin-policy' | 'noise',
  time: number,
  eventID = randomUUID(),
) {
  const base: CloudTrailRecord =
    kind === 'stop-logging'
      ? loadRuleFixture('cloudtrail.logging-stopped', 'positive', 'iam-user-stops-trail-by-name')
      : kind === 'admin-policy'
        ? loadRuleFixture('iam.admin-policy-attached', 'positive', 'attach-user-administrator-access')
        : {
            eventVersion: '1.10',
            eventTime: '',
            eventSource: 'ec2.amazonaws.com',
            eventName: 'DescribeInstances',
            eventID: '',
            awsRegion: 'us-east-1',
            readOnly: true,
            userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/viewer' },
          };
  return { ...base, eventID, eventTime: new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z') };
}

export interface FakeHistoryOptions {
  /** 1-based call numbers that fail with ThrottlingException. */
  readonly throttleCalls?: readonly number[];
  /** Time each call takes on the clock. */
  readonly clock?: SteppingClock;
  readonly callMs?: number;
}

/**
 * CloudTrail's event history as LookupEvents serves it: events inside [StartTime, EndTime], newest first, 50 a page,
 * a token valid only with the same StartTime and EndTime. moto does not implement LookupEvents (it answers 500), so
 * tests plug this into aws-sdk-client-mock.
 */
export class FakeEventHistory {
  readonly events: CloudTrailRecord[] = [];
  readonly calls: LookupEventsCommandInput[] = [];
  constructor(private readonly options: FakeHistoryOptions = {}) {}

  add(...records: CloudTrailRecord[]): this {
    this.events.push(...records);
    return this;
  }

  readonly lookup = async (input: LookupEventsCommandInput): Promise<LookupEventsCommandOutput> => {
    this.calls.push(input);
    if (this.options.clock) this.options.clock.t += this.options.callMs ?? 0;
    if (this.options.throttleCalls?.includes(this.calls.length)) {
      throw new ThrottlingException({ message: 'Rate exceeded', $metadata: {} });
    }
    const start = input.StartTime?.getTime() ?? 0;
    const end = input.EndTime?.getTime() ?? Number.POSITIVE_INFINITY;
    const inWindow = this.events
      .filter((e) => {
        const t = Date.parse(e.eventTime);
        return t >= start && t <= end;
      })
      .sort(
        (a, b) => Date.parse(b.eventTime) - Date.parse(a.eventTime) || b.eventID.localeCompare(a.eventID),
      );
    const pageSize = Math.min(input.MaxResults ?? 50, 50);
    let offset = 0;
    if (input.NextToken) {
      const token = JSON.parse(Buffer.from(input.NextToken, 'base64').toString()) as {
        offset: number;
        start: number;
        end: number;
      };
      if (token.start !== start || token.end !== end) {
        const error = new Error('Invalid NextToken');
        error.name = 'InvalidNextTokenException';
        throw error;
      }
      offset = token.offset;
    }
    const page = inWindow.slice(offset, offset + pageSize);
    const more = offset + pageSize < inWindow.length;
    return {
      $metadata: {},
      Events: page.map(
        (e): Event => ({
          EventId: e.eventID,
          EventName: e.eventName,
          EventSource: e.eventSource,
          EventTime: new Date(e.eventTime),
          ReadOnly: String(e.readOnly ?? false),
          CloudTrailEvent: JSON.stringify(e),
        }),
      ),
      NextToken: more
        ? Buffer.from(JSON.stringify({ offset: offset + pageSize, start, end })).toString('base64')
        : undefined,
    };
  };
}
