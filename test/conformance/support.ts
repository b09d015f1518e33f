/**
 * A small hand-made catalog and corpus whose answers are known, so the conformance measurement can be checked
 * without depending on the real catalog (which other people change) or the real corpus.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Corpus, PantherTest } from '../../cli/conformance/corpus';
import type { CloudTrailRecord, Rule } from '../../lambdas/engine/types';

let counter = 0;

/** A CloudTrail record with every field the engine reads; `overrides` win. */
export function record(overrides: Partial<CloudTrailRecord> & Record<string, unknown>): CloudTrailRecord {
  counter += 1;
  return {
    eventVersion: '1.09',
    eventTime: '2025-01-01T00:00:00Z',
    eventSource: 'cloudtrail.amazonaws.com',
    eventName: 'DescribeTrails',
    eventID: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.10',
    userAgent: 'aws-cli/2.22.35',
    userIdentity: {
      type: 'IAMUser',
      arn: 'arn:aws:iam::111122223333:user/alice',
      accountId: '111122223333',
      userName: 'alice',
    },
    requestParameters: null,
    responseElements: null,
    eventType: 'AwsApiCall',
    recipientAccountId: '111122223333',
    ...overrides,
  };
}

const base = {
  description: 'A hand-made rule for the conformance tests, with known answers on a hand-made corpus.',
  attack: ['T1562.008'],
  defaultMode: 'alert' as const,
  runbook: 'Not a real rule.',
  falsePositives: ['None: test only.'],
  summarize: (event: CloudTrailRecord) => `Test rule saw ${String(event.eventName)}.`,
};

/** A plain rule: any successful StopLogging. */
export const stopRule: Rule = {
  ...base,
  id: 'test.stop-logging',
  title: 'Stop logging',
  severity: 'critical',
  match: { eventSource: ['cloudtrail.amazonaws.com'], eventName: ['StopLogging'] },
  stratus: ['tech.stop'],
  references: { panther: ['P.Stop'] },
};

/** A threshold rule: 3 access-denied errors within 60 s per principal ARN. */
export const burstRule: Rule = {
  ...base,
  id: 'test.denied-burst',
  title: 'Denied burst',
  severity: 'medium',
  match: { errorCode: ['AccessDenied'] },
  threshold: {
    groupByLabel: 'principal ARN',
    groupBy: (event) => (typeof event.userIdentity?.arn === 'string' ? event.userIdentity.arn : undefined),
    count: 3,
    windowSeconds: 60,
  },
  stratus: ['tech.burst', 'tech.burst-slow'],
  references: { panther: ['P.Denied'] },
};

function userName(event: CloudTrailRecord): string | undefined {
  const name = event.requestParameters?.userName;
  return typeof name === 'string' ? name : undefined;
}

/** A sequence rule: CreateUser, then CreateAccessKey for that user within 300 s. */
export const sequenceRule: Rule = {
  ...base,
  id: 'test.user-then-key',
  title: 'User then key',
  severity: 'high',
  match: { eventSource: ['iam.amazonaws.com'], eventName: ['CreateAccessKey'] },
  sequence: {
    firstLabel: 'CreateUser',
    first: { eventSource: ['iam.amazonaws.com'], eventName: ['CreateUser'] },
    keyOfFirst: userName,
    keyOfSecond: userName,
    withinSeconds: 300,
  },
  stratus: ['tech.seq', 'tech.seq-missing', 'tech.no-log'],
  references: { panther: ['P.Key'] },
};

/** A high rule that records two disagreements: one that holds and one on a test that does not exist. */
export const rootRule: Rule = {
  ...base,
  id: 'test.root',
  title: 'Root used',
  severity: 'high',
  match: { userIdentity: { type: ['Root'] } },
  references: {
    panther: ['P.Root'],
    disagreements: [
      {
        panther: 'P.Root',
        test: 'read-only root',
        reason: 'root reads are how an attacker with root starts',
      },
      { panther: 'P.Root', test: 'no such test', reason: 'a record that names a test the corpus lacks' },
      { panther: 'P.Root', test: 'root write', reason: 'a stale record: this row agrees' },
    ],
  },
};

export const testRules: readonly Rule[] = [burstRule, rootRule, sequenceRule, stopRule];

const at = (seconds: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, seconds)).toISOString();
const denied = (seconds: number) =>
  record({
    eventName: 'ListUsers',
    eventSource: 'iam.amazonaws.com',
    errorCode: 'AccessDenied',
    eventTime: at(seconds),
  });
const root = { type: 'Root', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333' };

function panther(
  ruleId: string,
  testName: string,
  expected: boolean,
  event: unknown,
  mocks = false,
): PantherTest {
  return { ruleId, testName, expected, event, mocks };
}

/**
 * Known answers:
 * - Stratus: tech.stop, tech.burst, tech.seq detected (3); tech.burst-slow (too slow for the window),
 *   tech.seq-missing (no first step) and tech.unclaimed (no rule names it, though test.stop-logging fires) not;
 *   tech.no-log is named but has no log. 6 files, 1 rejected record (in tech.stop).
 * - Panther: 14 referenced rows. Outcomes: agree 7, disagree 3, deliberate 1, mocks 1, unevaluated 2; counted 11,
 *   agreement 7/11; high/critical on expected-false counted rows: 2 (1 deliberate, 1 not).
 */
export function testCorpus(): Corpus {
  const noIdNoTime = record({ eventName: 'StopLogging' }) as Record<string, unknown>;
  delete noIdNoTime.eventID;
  delete noIdNoTime.eventTime;
  return {
    dir: '(hand-made)',
    stratusFiles: [
      { technique: 'tech.stop', events: [record({ eventName: 'StopLogging' }), { eventSource: 'x' }] },
      { technique: 'tech.burst', events: [denied(0), denied(20), denied(40)] },
      { technique: 'tech.burst-slow', events: [denied(0), denied(300), denied(600)] },
      {
        // File order is not time order: the engine must see CreateUser first.
        technique: 'tech.seq',
        events: [
          record({
            eventSource: 'iam.amazonaws.com',
            eventName: 'CreateAccessKey',
            eventTime: at(100),
            requestParameters: { userName: 'bob' },
          }),
          record({
            eventSource: 'iam.amazonaws.com',
            eventName: 'CreateUser',
            eventTime: at(10),
            requestParameters: { userName: 'bob' },
          }),
        ],
      },
      {
        technique: 'tech.seq-missing',
        events: [
          record({
            eventSource: 'iam.amazonaws.com',
            eventName: 'CreateAccessKey',
            requestParameters: { userName: 'bob' },
          }),
        ],
      },
      { technique: 'tech.unclaimed', events: [record({ eventName: 'StopLogging' })] },
    ],
    pantherTests: [
      panther('P.Stop', 'stop', true, record({ eventName: 'StopLogging' })),
      panther('P.Stop', 'start', false, record({ eventName: 'StartLogging' })),
      panther('P.Stop', 'stop without id and time', true, noIdNoTime),
      panther(
        'P.Stop',
        'stop with a redacted time',
        true,
        record({ eventName: 'StopLogging', eventTime: 'redacted' }),
      ),
      panther('P.Stop', 'lower-case keys', true, {
        eventsource: 'cloudtrail.amazonaws.com',
        eventname: 'StopLogging',
        eventid: '1',
        eventtime: '2025-01-01 00:00:00',
      }),
      panther('P.Stop', 'not an object', false, 'StopLogging'),
      panther('P.Denied', 'one denial counts', true, denied(0)),
      panther(
        'P.Denied',
        'denial without a principal',
        true,
        record({ errorCode: 'AccessDenied', userIdentity: { type: 'IAMUser' } }),
      ),
      panther(
        'P.Key',
        'the key',
        true,
        record({
          eventSource: 'iam.amazonaws.com',
          eventName: 'CreateAccessKey',
          requestParameters: { userName: 'bob' },
        }),
      ),
      panther(
        'P.Key',
        'the user alone',
        true,
        record({
          eventSource: 'iam.amazonaws.com',
          eventName: 'CreateUser',
          requestParameters: { userName: 'bob' },
        }),
      ),
      panther(
        'P.Root',
        'read-only root',
        false,
        record({ userIdentity: root, eventName: 'ListUsers', eventSource: 'iam.amazonaws.com' }),
      ),
      panther(
        'P.Root',
        'root console sign-in',
        false,
        record({ userIdentity: root, eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com' }),
      ),
      panther(
        'P.Root',
        'root write',
        true,
        record({
          userIdentity: root,
          eventName: 'CreateUser',
          eventSource: 'iam.amazonaws.com',
          p_log_type: 'AWS.CloudTrail',
        }),
      ),
      panther('P.Root', 'root with a lookup', false, record({ userIdentity: root }), true),
      panther('P.Unreferenced', 'ignored', true, record({})),
    ],
    pantherRules: [
      { id: 'P.Stop', displayName: 'Stop', severity: 'High', enabled: true, stratus: [] },
      { id: 'P.Root', displayName: 'Root', severity: 'High', enabled: true, stratus: [] },
      { id: 'P.Unreferenced', displayName: 'Unreferenced', severity: 'Low', enabled: false, stratus: [] },
    ],
    sigmaRules: [{ title: 'Sigma One', level: 'medium', eventSource: [], eventName: [] }],
    stratusTechniques: [
      { id: 'tech.stop', name: 'Stop', tactics: ['Defense Evasion'] },
      { id: 'tech.no-log', name: 'No log', tactics: ['Persistence'] },
      { id: 'tech.other', name: 'Other', tactics: ['Impact'] },
    ],
  };
}

/** Writes `corpus` in the layout of ../shared/corpus to a new temporary directory and returns it. */
export function writeCorpus(corpus: Corpus): string {
  const dir = mkdtempSync(join(tmpdir(), 'trailguard-corpus-'));
  mkdirSync(join(dir, 'stratus'));
  for (const file of corpus.stratusFiles)
    writeFileSync(join(dir, 'stratus', `${file.technique}.json`), JSON.stringify(file.events));
  writeFileSync(
    join(dir, 'panther-tests.jsonl'),
    corpus.pantherTests
      .map((t) =>
        JSON.stringify({
          rule_id: t.ruleId,
          test_name: t.testName,
          expected: t.expected,
          event: t.event,
          ...(t.mocks ? { mocks: [{ objectName: 'lookup', returnValue: 'x' }] } : {}),
        }),
      )
      .join('\n'),
  );
  writeFileSync(
    join(dir, 'panther-rules.tsv'),
    [
      'rule_id\tdisplay_name\tseverity\tenabled\tthreshold\tdedup_min\tn_tests\tn_pos\tstratus\tfile',
      ...corpus.pantherRules.map(
        (r) =>
          `${r.id}\t${r.displayName}\t${r.severity}\t${r.enabled ? 'True' : 'False'}\t\t\t1\t1\t${r.stratus.join(',')}\tx.yml`,
      ),
    ].join('\n'),
  );
  writeFileSync(join(dir, 'sigma-rules.json'), JSON.stringify(corpus.sigmaRules));
  writeFileSync(join(dir, 'stratus-index.json'), JSON.stringify(corpus.stratusTechniques));
  return dir;
}
