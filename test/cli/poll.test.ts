import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSince } from '../../cli/commands/poll';
import type { Finding } from '../../lambdas/engine/types';
import { FakeEventHistory, record } from '../poller/support';
import { runCli } from '../support/cli';

/*
 * moto does not implement CloudTrail LookupEvents (HTTP 500): the CloudTrail client is mocked with
 * aws-sdk-client-mock over FakeEventHistory (window, newest first, 50 a page). The command runs the real collector
 * (2 requests per second) and the real engine.
 */
const cloudTrail = mockClient(CloudTrailClient);
beforeEach(() => cloudTrail.reset());
afterEach(() => cloudTrail.reset());

const MINUTE = 60_000;

describe('trailguard poll', () => {
  it('prints the findings of the event history since --since, read in us-east-1 and each --region', async () => {
    // Prepare
    const now = Date.now();
    const history = new FakeEventHistory().add(
      record('stop-logging', now - 30 * MINUTE),
      record('admin-policy', now - 90 * MINUTE),
      record('stop-logging', now - 5 * 60 * MINUTE),
      ...Array.from({ length: 70 }, (_, i) => record('noise', now - (i + 1) * MINUTE)),
    );
    const regions: string[] = [];
    cloudTrail.on(LookupEventsCommand).callsFake(async (input, getClient) => {
      regions.push(await (getClient() as CloudTrailClient).config.region());
      return history.lookup(input);
    });
    // Act
    const result = await runCli('poll', '--since', '2h', '--region', 'eu-west-1', '--format', 'json');
    // Assess
    expect(result.code, result.err).toBe(0);
    const findings = JSON.parse(result.out) as Finding[];
    // Both regions' (fake) histories are the same events: each finding is reported once.
    expect(findings.map((f) => f.ruleId)).toEqual([
      'iam.admin-policy-attached',
      'cloudtrail.logging-stopped',
    ]);
    expect([...new Set(regions)].sort()).toEqual(['eu-west-1', 'us-east-1']);
    expect(history.calls.every((c) => (c.StartTime?.getTime() ?? 0) >= now - 2 * 60 * MINUTE - 1000)).toBe(
      true,
    );
    expect(result.err).toContain('us-east-1: 72 event(s) in 2 page(s)');
    expect(result.err).toContain('2 finding(s) since');
  });

  it('applies a --config file as the deployed analyzer would, and refuses a bad one', async () => {
    // Prepare
    const now = Date.now();
    const history = new FakeEventHistory().add(
      record('stop-logging', now - 30 * MINUTE),
      record('admin-policy', now - 90 * MINUTE),
    );
    cloudTrail.on(LookupEventsCommand).callsFake(async (input) => history.lookup(input));
    const dir = mkdtempSync(join(tmpdir(), 'trailguard-poll-'));
    const config = join(dir, 'settings.json');
    writeFileSync(config, JSON.stringify({ 'rules/iam.admin-policy-attached/mode': 'off' }));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ 'rules/iam.admin-policy-attached/mode': 'loud' }));
    // Act
    const tuned = await runCli('poll', '--since', '2h', '--format', 'json', '--config', config);
    const refused = await runCli('poll', '--since', '2h', '--format', 'json', '--config', bad);
    // Assess
    expect(tuned.code, tuned.err).toBe(0);
    expect((JSON.parse(tuned.out) as Finding[]).map((f) => f.ruleId)).toEqual(['cloudtrail.logging-stopped']);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('"rules/iam.admin-policy-attached/mode" value "loud"');
  });

  it('prints a table by default and passes the one lookup attribute', async () => {
    // Prepare
    const history = new FakeEventHistory().add(record('stop-logging', Date.now() - MINUTE));
    cloudTrail.on(LookupEventsCommand).callsFake(history.lookup);
    // Act
    const result = await runCli(
      'poll',
      '--since',
      '30m',
      '--region',
      'us-east-1',
      '--lookup',
      'EventName=StopLogging',
    );
    // Assess
    expect(result.code).toBe(0);
    const [header, row] = result.out.split('\n');
    expect(header).toMatch(/^TIME +SEVERITY +RULE +REGION +PRINCIPAL +SUMMARY$/);
    expect(row).toMatch(
      /critical +cloudtrail\.logging-stopped +eu-west-1 +arn:aws:iam::111122223333:user\/build-bot/,
    );
    expect(history.calls[0]?.LookupAttributes).toEqual([
      { AttributeKey: 'EventName', AttributeValue: 'StopLogging' },
    ]);
  });

  it('exits 1 and reports the region when LookupEvents is refused there', async () => {
    // Prepare
    cloudTrail
      .on(LookupEventsCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    // Act
    const result = await runCli('poll', '--since', '1h', '--region', 'us-east-1');
    // Assess
    expect(result.code).toBe(1);
    expect(result.out).toBe('No findings.');
    expect(result.err).toContain('us-east-1: LookupEvents failed: AccessDeniedException: not authorized');
  });

  it('exits 2 on a --since it cannot read or beyond 90 days, a bad region or lookup attribute', async () => {
    // Act
    const results = await Promise.all([
      runCli('poll'),
      runCli('poll', '--since', 'yesterday'),
      runCli('poll', '--since', '91d'),
      runCli('poll', '--since', '1h', '--region', 'Frankfurt'),
      runCli('poll', '--since', '1h', '--lookup', 'Colour=blue'),
    ]);
    // Assess
    expect(results.map((r) => r.code)).toEqual([2, 2, 2, 2, 2]);
    expect(results[2]?.err).toContain('more than 90 days ago');
    expect(results[4]?.err).toContain('must be Key=Value with Key one of');
  });
});

describe('parseSince', () => {
  it('reads minutes, hours, days and ISO times relative to now', () => {
    const now = Date.parse('2025-06-01T12:00:00Z');
    expect(parseSince('30m', now)).toBe(now - 30 * MINUTE);
    expect(parseSince('2h', now)).toBe(now - 120 * MINUTE);
    expect(parseSince('7d', now)).toBe(now - 7 * 24 * 60 * MINUTE);
    expect(parseSince('2025-06-01T10:00:00Z', now)).toBe(now - 120 * MINUTE);
    expect(() => parseSince('2025-06-02', now)).toThrow(/not in the past/);
  });
});
