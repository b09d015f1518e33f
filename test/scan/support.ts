/**
 * Test support for `trailguard scan`: real files in temporary directories, CloudTrail records built from the rule
 * fixtures, and the CLI run in-process with the terminal flags and stdin a test needs.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterEach } from 'vitest';
import { main } from '../../cli/main';
import type { CloudTrailRecord } from '../../lambdas/engine/types';
import { loadFixture } from '../rules/support';

const made: string[] = [];

/** A fresh temporary directory, removed after the test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'trailguard-scan-test-'));
  made.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

let counter = 0;
/** A unique, valid CloudTrail event id. */
export function eventId(): string {
  counter += 1;
  return `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
}

/** A failed console sign-in (counted by `signin.console-login-failures`, 5 in 300 s per source IP). */
export function failedLogin(
  eventTime: string,
  sourceIPAddress = '45.148.10.22',
  userName = 'alice',
): CloudTrailRecord {
  const event = loadFixture('signin.console-login-failures', 'positive', 'iam-user-wrong-password');
  return {
    ...event,
    eventID: eventId(),
    eventTime,
    sourceIPAddress,
    userIdentity: { ...event.userIdentity, userName },
  };
}

/** `StopLogging` by an IAM user: critical, one finding per event, with a remediation plan. */
export function stopLogging(eventTime: string): CloudTrailRecord {
  return {
    ...loadFixture('cloudtrail.logging-stopped', 'positive', 'iam-user-stops-trail-by-name'),
    eventID: eventId(),
    eventTime,
  };
}

/** A root `CreateTags` denied by an SCP: high (root.account-used; root's read-only calls are only medium). */
export function rootCall(eventTime: string): CloudTrailRecord {
  return {
    ...loadFixture('root.account-used', 'positive', 'write-denied-by-scp'),
    eventID: eventId(),
    eventTime,
  };
}

/** An ordinary read-only call no rule cares about. */
export function benign(eventTime: string): CloudTrailRecord {
  return {
    eventVersion: '1.10',
    userIdentity: {
      type: 'AssumedRole',
      arn: 'arn:aws:sts::111122223333:assumed-role/ReadOnly/ci',
      accountId: '111122223333',
      sessionContext: { sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::111122223333:role/ReadOnly' } },
    },
    eventTime,
    eventSource: 'ec2.amazonaws.com',
    eventName: 'DescribeInstances',
    awsRegion: 'eu-west-1',
    sourceIPAddress: '198.51.100.7',
    userAgent: 'aws-cli/2.22.35',
    requestParameters: { instancesSet: {} },
    responseElements: null,
    eventID: eventId(),
    readOnly: true,
    eventType: 'AwsApiCall',
    recipientAccountId: '111122223333',
  };
}

/** An EventBridge event carrying a CloudTrail record, as the default bus (and archives of it) hold them. */
export function envelope(record: CloudTrailRecord): Record<string, unknown> {
  return {
    version: '0',
    id: eventId(),
    'detail-type': 'AWS API Call via CloudTrail',
    source: `aws.${record.eventSource.split('.')[0]}`,
    account: '111122223333',
    time: record.eventTime,
    region: record.awsRegion ?? 'us-east-1',
    resources: [],
    detail: record,
  };
}

export const cloudTrailFile = (records: readonly unknown[]) => JSON.stringify({ Records: records });
export const jsonLines = (records: readonly unknown[]) =>
  `${records.map((r) => JSON.stringify(r)).join('\n')}\n`;

/** Writes `content` (gzipped when `gzip`) to `dir/name` and returns the path. */
export async function put(
  dir: string,
  name: string,
  content: string | Buffer,
  gzip = false,
): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, gzip ? gzipSync(content) : content);
  return path;
}

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  readonly errLines: readonly string[];
}

/** Runs the CLI in-process with a given stdin and terminal flags (the defaults are a pipe, not a terminal). */
export async function runScanCli(
  argv: readonly string[],
  options: { stdin?: string | Buffer; stdoutIsTTY?: boolean; stderrIsTTY?: boolean } = {},
): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main([...argv], {
    out: (s) => out.push(s),
    err: (s) => err.push(s),
    stdin: options.stdin === undefined ? undefined : Readable.from([Buffer.from(options.stdin)]),
    stdoutIsTTY: options.stdoutIsTTY ?? false,
    stderrIsTTY: options.stderrIsTTY ?? false,
  });
  return { code, out: out.join('\n'), err: err.join('\n'), errLines: err };
}

/** Parses JSON Lines output. */
export function lines<T = Record<string, unknown>>(text: string): T[] {
  return text
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as T);
}
