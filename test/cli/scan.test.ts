import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { ScanFinding } from '../../cli/scan/types';
import { catalog } from '../../lambdas/rules';
import {
  benign,
  cloudTrailFile,
  envelope,
  failedLogin,
  jsonLines,
  lines,
  put,
  rootCall,
  runScanCli,
  stopLogging,
  tempDir,
} from '../scan/support';

/** A directory with a critical StopLogging, a high root call, five failed sign-ins (medium) and noise. */
async function archive() {
  const dir = await tempDir();
  const stop = stopLogging('2025-03-11T06:50:00Z');
  const root = rootCall('2025-03-11T06:51:00Z');
  const logins = [0, 1, 2, 3, 4].map((i) =>
    failedLogin(`2025-03-11T06:4${i}:00Z`, '45.148.10.22', `user${i}`),
  );
  await put(
    dir,
    'a.json.gz',
    cloudTrailFile([benign('2025-03-11T06:39:00Z'), ...logins.slice(0, 3), stop]),
    true,
  );
  await put(dir, 'b.jsonl', jsonLines([...logins.slice(3), root]));
  return { dir, stop, root, logins };
}

const REQUIRED_FIELDS = [
  'ruleId',
  'title',
  'severity',
  'attack',
  'eventIds',
  'eventTime',
  'principal',
  'sourceIp',
  'account',
  'region',
  'summary',
  'remediation',
];

describe('trailguard scan', () => {
  it('writes JSON Lines when stdout is piped, each finding with the fields a machine needs', async () => {
    // Prepare
    const { dir, stop } = await archive();
    // Act
    const { code, out, err } = await runScanCli(['scan', dir]);
    // Assess
    expect(code).toBe(0);
    const findings = lines<ScanFinding>(out);
    expect(findings.map((f) => f.ruleId)).toEqual([
      'signin.console-login-failures',
      'cloudtrail.logging-stopped',
      'root.account-used',
    ]);
    for (const f of findings) expect(Object.keys(f)).toEqual(expect.arrayContaining(REQUIRED_FIELDS));
    expect(findings[1]).toMatchObject({
      title: 'CloudTrail logging stopped',
      severity: 'critical',
      attack: ['T1562.008'],
      eventIds: [stop.eventID],
      eventTime: '2025-03-11T06:50:00.000Z',
      principal: stop.userIdentity?.arn,
      sourceIp: stop.sourceIPAddress,
      account: stop.recipientAccountId,
      region: stop.awsRegion,
      remediation: {
        executed: false,
        mode: 'enforce',
        steps: [
          expect.objectContaining({ action: 'cloudtrail.start-logging' }),
          expect.objectContaining({ action: 'iam.quarantine-principal' }),
        ],
      },
      location: { file: join(dir, 'a.json.gz'), pointer: 'Records[4]' },
    });
    expect(err).toContain('findings: 3 (critical 1, high 1, medium 1)');
  });

  it('prints a table when stdout is a terminal, and the summary on stderr', async () => {
    // Prepare
    const { dir } = await archive();
    // Act
    const { code, out, errLines } = await runScanCli(['scan', dir], { stdoutIsTTY: true });
    // Assess
    expect(code).toBe(0);
    const rows = out.split('\n');
    expect(rows[0]).toMatch(/^TIME\s+SEVERITY\s+RULE\s+PRINCIPAL\s+SOURCE IP\s+SUMMARY$/);
    expect(rows).toHaveLength(4);
    expect(rows[2]).toMatch(/^2025-03-11T06:50:00Z\s+critical\s+cloudtrail\.logging-stopped\s+user\/\S+\s/);
    expect(errLines).toEqual([
      expect.stringMatching(/^scan: 2 inputs scanned; /),
      expect.stringMatching(
        /^events: 8 read \(2025-03-11T06:39:00.000Z to 2025-03-11T06:51:00.000Z\), 0 outside/,
      ),
      'bad records skipped: 0',
      'findings: 3 (critical 1, high 1, medium 1)',
      '  1  cloudtrail.logging-stopped',
      '  1  root.account-used',
      '  1  signin.console-login-failures',
      expect.stringMatching(/^elapsed: \d+\.\d\d s, [\d,]+ events\/s, no parser threads, peak memory /),
    ]);
  });

  it('writes one JSON document with findings, summary and problems for --format json', async () => {
    // Prepare
    const { dir } = await archive();
    await put(dir, 'c.jsonl', `${JSON.stringify(benign('2025-03-11T06:52:00Z'))}\nnot json\n`);
    // Act
    const { code, out } = await runScanCli(['scan', dir, '--format', 'json']);
    // Assess
    expect(code).toBe(0);
    const report = JSON.parse(out) as {
      findings: ScanFinding[];
      summary: Record<string, unknown>;
      problems: unknown[];
    };
    expect(report.findings).toHaveLength(3);
    expect(report.summary).toMatchObject({
      files: { scanned: 3, unreadable: 0 },
      events: { read: 9 },
      badRecords: 1,
      findings: { total: 3, bySeverity: { critical: 1, high: 1, medium: 1 } },
    });
    expect(report.problems).toEqual([
      expect.objectContaining({
        kind: 'invalid-json',
        file: join(dir, 'c.jsonl'),
        location: { line: 2, offset: expect.any(Number) },
      }),
    ]);
  });

  it('writes valid JSON and SARIF documents when nothing is found', async () => {
    // Prepare
    const { dir } = await archive();
    // Act
    const json = await runScanCli(['scan', dir, '--format', 'json', '--since', '2030-01-01']);
    const sarif = await runScanCli(['scan', dir, '--format', 'sarif', '--since', '2030-01-01']);
    const table = await runScanCli(['scan', dir, '--format', 'table', '--since', '2030-01-01']);
    // Assess
    expect(JSON.parse(json.out)).toMatchObject({
      findings: [],
      summary: { events: { read: 8, outsideRange: 8 } },
    });
    expect(JSON.parse(sarif.out).runs[0].results).toEqual([]);
    expect(table.out).toBe('No findings.');
  });

  it('writes SARIF 2.1.0 with the rules run, one result per finding located at its file and line', async () => {
    // Prepare
    const { dir, root } = await archive();
    // Act
    const { code, out } = await runScanCli(['scan', dir, '--format', 'sarif']);
    // Assess
    expect(code).toBe(0);
    const sarif = JSON.parse(out);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    const [run] = sarif.runs;
    expect(run.tool.driver.name).toBe('TrailGuard');
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(catalog.map((r) => r.id));
    const rootResult = run.results.find((r: { ruleId: string }) => r.ruleId === 'root.account-used');
    expect(rootResult).toMatchObject({
      ruleIndex: catalog.findIndex((r) => r.id === 'root.account-used'),
      level: 'error',
      message: { text: expect.stringContaining('root') },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: expect.stringMatching(/b\.jsonl$/) },
            region: { startLine: 3 },
          },
        },
      ],
      partialFingerprints: { 'trailguardFindingId/v1': expect.stringMatching(/^[0-9a-f]{32}$/) },
      properties: { eventIds: [root.eventID] },
    });
    expect(run.tool.driver.rules[rootResult.ruleIndex].properties['security-severity']).toBe('8.0');
    expect(run.results.map((r: { level: string }) => r.level).sort()).toEqual(['error', 'error', 'warning']);
    expect(run.invocations[0].executionSuccessful).toBe(true);
  });

  it('writes a self-contained HTML page to --output, the format taken from the file extension', async () => {
    // Prepare
    const { dir } = await archive();
    const report = join(await tempDir(), 'report.html');
    // Act
    const { code, out } = await runScanCli(['scan', dir, '--output', report]);
    // Assess
    expect(code).toBe(0);
    expect(out).toBe('');
    const html = await readFile(report, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html.match(/<tr class="finding /g)).toHaveLength(3);
    expect(html).toContain('<svg class="timeline"');
    expect(html).toContain('id="top-principals"');
    expect(html).toContain('id="top-source-ips"');
    expect(html).toContain('<h4>Runbook</h4>');
    expect(html).not.toMatch(/<script|src="http|href="http/);
  });

  it('writes JSON Lines to an --output file with an unknown extension', async () => {
    // Prepare
    const { dir } = await archive();
    const path = join(await tempDir(), 'findings.out');
    // Act
    const { code, out } = await runScanCli(['scan', dir, '-o', path]);
    // Assess
    expect(code).toBe(0);
    expect(out).toBe('');
    expect(lines(await readFile(path, 'utf8'))).toHaveLength(3);
  });

  it('runs only the rules named by id or glob, and refuses a pattern that names no rule', async () => {
    // Prepare
    const { dir } = await archive();
    // Act
    const some = await runScanCli(['scan', dir, '--rules', 'root.*,cloudtrail.logging-stopped']);
    const repeated = await runScanCli(['scan', dir, '--rules', 'root.*', '--rules', 'signin.*']);
    const typo = await runScanCli(['scan', dir, '--rules', 'iam.admin-policy-atached']);
    // Assess
    expect(lines<ScanFinding>(some.out).map((f) => f.ruleId)).toEqual([
      'cloudtrail.logging-stopped',
      'root.account-used',
    ]);
    expect(lines<ScanFinding>(repeated.out).map((f) => f.ruleId)).toEqual([
      'signin.console-login-failures',
      'root.account-used',
    ]);
    expect(typo.code).toBe(2);
    expect(typo.err).toContain('--rules: no rule matches "iam.admin-policy-atached"');
    expect(typo.err).toContain('usage: trailguard scan');
  });

  it('applies a --config file: allowed principals, thresholds and modes, in either accepted shape', async () => {
    // Prepare
    const { dir, stop } = await archive();
    const settings = await tempDir();
    const simple = await put(
      settings,
      'tuning.json',
      JSON.stringify({
        'rules/cloudtrail.logging-stopped/allow-principals': [String(stop.userIdentity?.arn)],
        'rules/signin.console-login-failures/threshold': '10',
      }),
    );
    const exported = await put(
      settings,
      'ssm.json',
      JSON.stringify({
        Parameters: [
          { Name: '/trailguard/rules/root.account-used/mode', Value: 'off', Type: 'String' },
          { Name: '/trailguard/heartbeat', Value: '2025-03-11T06:00:00Z', Type: 'String' },
          { Name: '/trailguard/context/trusted-accounts', Value: '444455556666', Type: 'StringList' },
        ],
      }),
    );
    // Act
    const tuned = await runScanCli(['scan', dir, '--config', simple]);
    const replayed = await runScanCli(['scan', dir, '--config', exported]);
    // Assess
    expect(tuned.code).toBe(0);
    expect(lines<ScanFinding>(tuned.out).map((f) => f.ruleId)).toEqual(['root.account-used']);
    expect(lines<ScanFinding>(replayed.out).map((f) => f.ruleId)).toEqual([
      'signin.console-login-failures',
      'cloudtrail.logging-stopped',
    ]);
  });

  it('refuses a --config file with an unknown parameter or a bad value, naming each, and scans nothing', async () => {
    // Prepare
    const { dir } = await archive();
    const settings = await tempDir();
    await put(
      settings,
      'bad.json',
      JSON.stringify({
        'rules/iam.admin-policy-atached/mode': 'off',
        'context/trusted-networks': '10.0.0.0/33',
        'rules/root.account-used/threshold': '3',
      }),
    );
    await put(settings, 'broken.json', '{"kill-switch": ');
    // Act
    const bad = await runScanCli(['scan', dir, '--config', join(settings, 'bad.json')]);
    const broken = await runScanCli(['scan', dir, '--config', join(settings, 'broken.json')]);
    const missing = await runScanCli(['scan', dir, '--config', join(settings, 'nope.json')]);
    // Assess
    expect(bad.code).toBe(2);
    expect(bad.out).toBe('');
    expect(bad.err).toContain('"rules/iam.admin-policy-atached/mode": unknown parameter');
    expect(bad.err).toContain('"rules/root.account-used/threshold": unknown parameter');
    expect(bad.err).toMatch(/"context\/trusted-networks" value "10.0.0.0\/33" .*at most 32 bits/);
    expect(broken.code).toBe(2);
    expect(broken.err).toContain('broken.json: not valid JSON');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('cannot read --config');
  });

  it('keeps findings at or above --min-severity', async () => {
    // Prepare
    const { dir } = await archive();
    // Act
    const { out } = await runScanCli(['scan', dir, '--min-severity', 'high']);
    // Assess
    expect(lines<ScanFinding>(out).map((f) => f.severity)).toEqual(['critical', 'high']);
  });

  it('scans only events inside --since/--until, and rejects times without a zone', async () => {
    // Prepare
    const { dir } = await archive();
    // Act
    const window = await runScanCli([
      'scan',
      dir,
      '--since',
      '2025-03-11T06:50:00Z',
      '--until',
      '2025-03-11T06:51:00Z',
    ]);
    const day = await runScanCli(['scan', dir, '--since', '2025-03-12']);
    const local = await runScanCli(['scan', dir, '--since', '2025-03-11T06:50:00']);
    const backwards = await runScanCli(['scan', dir, '--since', '2025-03-12', '--until', '2025-03-11']);
    // Assess
    expect(lines<ScanFinding>(window.out).map((f) => f.ruleId)).toEqual(['cloudtrail.logging-stopped']);
    expect(window.err).toContain('7 outside --since/--until');
    expect(day.out).toBe('');
    expect(local.code).toBe(2);
    expect(local.err).toContain('--since must be an ISO 8601 date or date-time with a zone');
    expect(backwards.code).toBe(2);
  });

  it('reports every matching event of threshold rules with --ignore-thresholds', async () => {
    // Prepare
    const { dir } = await archive();
    // Act
    const { out } = await runScanCli(['scan', dir, '--ignore-thresholds', '--rules', 'signin.*']);
    // Assess
    const ids = lines<ScanFinding>(out).map((f) => f.ruleId);
    expect(ids.filter((id) => id === 'signin.console-login-failures')).toHaveLength(5);
    expect(ids.filter((id) => id === 'signin.console-login-failures-per-user')).toHaveLength(5);
  });

  it('exits 2 when a finding reaches --fail-on and 0 when none does', async () => {
    // Prepare
    const { dir } = await archive();
    const quiet = await tempDir();
    await put(
      quiet,
      'q.jsonl',
      jsonLines([
        ...[0, 1, 2, 3, 4].map((i) => failedLogin(`2025-03-11T06:4${i}:00Z`, '198.51.100.1', `u${i}`)),
      ]),
    );
    // Act
    const hit = await runScanCli(['scan', dir, '--fail-on', 'critical']);
    const below = await runScanCli(['scan', quiet, '--fail-on', 'high']);
    const bad = await runScanCli(['scan', dir, '--fail-on', 'severe']);
    // Assess
    expect(hit.code).toBe(2);
    expect(lines(hit.out)).toHaveLength(3);
    expect(below.code).toBe(0);
    expect(lines(below.out)).toHaveLength(1);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--fail-on must be one of info, low, medium, high, critical, got "severe"');
  });

  it('exits 1 when an input cannot be read at all, after scanning the others, and 2 if --fail-on is also hit', async () => {
    // Prepare
    const { dir } = await archive();
    const missing = join(dir, 'nope.json.gz');
    // Act
    const partial = await runScanCli(['scan', dir, missing]);
    const both = await runScanCli(['scan', dir, missing, '--fail-on', 'high']);
    // Assess
    expect(partial.code).toBe(1);
    expect(lines(partial.out)).toHaveLength(3);
    expect(partial.err).toContain(`error: ${missing}: no such file or directory`);
    expect(partial.err).toContain('1 unreadable');
    expect(both.code).toBe(2);
  });

  it('reports bad input with file and line or offset, counts it, and scans the rest', async () => {
    // Prepare
    const dir = await tempDir();
    const stop = stopLogging('2025-03-11T06:50:00Z');
    const { eventTime: _t, ...noTime } = benign('2025-03-11T06:51:00Z');
    await put(dir, 'a.jsonl', `${JSON.stringify(stop)}\n{oops\n${JSON.stringify(noTime)}\n`);
    const gz = gzipSync(
      cloudTrailFile(
        Array.from({ length: 300 }, (_, i) => benign(`2025-03-11T07:${String(i % 60).padStart(2, '0')}:00Z`)),
      ),
    );
    await put(dir, 'b.json.gz', gz.subarray(0, gz.length - 100));
    // Act
    const { code, out, err } = await runScanCli(['scan', dir]);
    // Assess
    expect(code).toBe(0);
    expect(lines(out)).toHaveLength(1);
    expect(err).toContain(`warning: ${join(dir, 'a.jsonl')}:2: invalid JSON`);
    expect(err).toContain(
      `warning: ${join(dir, 'a.jsonl')}:3: field "eventTime" must be a non-empty string, got nothing`,
    );
    expect(err).toMatch(
      new RegExp(`warning: ${join(dir, 'b.json.gz')} \\(offset \\d+\\): gzip data damaged after`),
    );
    expect(err).toContain('1 damaged (read up to the damage)');
    expect(err).toContain('bad records skipped: 2 (problems: invalid-json 1, invalid-record 1, damaged 1)');
  });

  it('reads - from stdin, gzipped or not, EventBridge envelopes included', async () => {
    // Prepare
    const stop = stopLogging('2025-03-11T06:50:00Z');
    const root = rootCall('2025-03-11T06:51:00Z');
    // Act
    const plain = await runScanCli(['scan', '-'], { stdin: jsonLines([envelope(stop), root]) });
    const gzipped = await runScanCli(['scan', '-'], { stdin: gzipSync(cloudTrailFile([stop, root])) });
    // Assess
    for (const run of [plain, gzipped]) {
      expect(run.code).toBe(0);
      expect(lines<ScanFinding>(run.out).map((f) => [f.ruleId, f.location.file])).toEqual([
        ['cloudtrail.logging-stopped', '<stdin>'],
        ['root.account-used', '<stdin>'],
      ]);
    }
  });

  it('draws a progress bar on stderr when it is a terminal and replaces it with the summary', async () => {
    // Prepare
    const { dir } = await archive();
    // Act
    const tty = await runScanCli(['scan', dir], { stderrIsTTY: true });
    const piped = await runScanCli(['scan', dir], { stderrIsTTY: false });
    // Assess
    const bar = /\[[#-]{20}\]\s+\d+%\s+files \d+\/2\s+events \d+\s+[\d,]+ events\/s\s+findings \d+$/;
    expect(tty.errLines[0]).toMatch(bar);
    expect(tty.errLines.some((l) => l.startsWith('\u001b[1A\u001b[2Kscan: 2 inputs scanned'))).toBe(true);
    expect(piped.errLines.some((l) => bar.test(l) || l.includes('\u001b'))).toBe(false);
  });

  it('exits 2 with the usage for missing paths, bad formats and bad worker counts', async () => {
    // Act
    const none = await runScanCli(['scan']);
    const format = await runScanCli(['scan', '.', '--format', 'xml']);
    const workers = await runScanCli(['scan', '.', '--workers', 'many']);
    const help = await runScanCli(['scan', '--help']);
    // Assess
    expect(none.code).toBe(2);
    expect(none.err).toContain('give at least one file, directory or - (stdin)');
    expect(format.code).toBe(2);
    expect(format.err).toContain('--format must be one of table, json, jsonl, sarif, html, got "xml"');
    expect(workers.code).toBe(2);
    expect(help.code).toBe(0);
    expect(help.out).toContain('exit codes: 0 scan complete');
  });
});
