import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { deliveryTime, expandInputs } from '../../cli/scan/inputs';
import { selectRules } from '../../cli/scan/rules';
import { runScan, type ScanRequest } from '../../cli/scan/scanner';
import type { Problem, ScanFinding } from '../../cli/scan/types';
import { catalog } from '../../lambdas/rules';
import {
  benign,
  cloudTrailFile,
  failedLogin,
  jsonLines,
  put,
  rootCall,
  stopLogging,
  tempDir,
} from './support';

const FAILURES = 'signin.console-login-failures';

/** CloudTrail's S3 key for a log file delivered at `stamp` (e.g. `20250311T0650Z`). */
function logName(stamp: string, region = 'us-east-1'): string {
  return `111122223333_CloudTrail_${region}_${stamp}_${stamp.slice(-5, -1)}abcd.json.gz`;
}

async function scan(paths: string[], options: Partial<ScanRequest> = {}) {
  const findings: ScanFinding[] = [];
  const problems: Problem[] = [];
  const summary = await runScan({
    inputs: await expandInputs(paths),
    rules: catalog,
    onFinding: (f) => {
      findings.push(f);
    },
    onProblem: (p) => problems.push(p),
    ...options,
  });
  return { findings, problems, summary };
}

/** Five failed sign-ins from one address within 4 minutes, by five different users, spread over three files. */
async function failuresAcrossThreeFiles(dir: string) {
  const at = (m: number, s: number) => `2025-03-11T06:4${m}:${String(s).padStart(2, '0')}Z`;
  const events = [
    failedLogin(at(1, 5), '45.148.10.22', 'u1'),
    failedLogin(at(1, 50), '45.148.10.22', 'u2'),
    failedLogin(at(2, 30), '45.148.10.22', 'u3'),
    failedLogin(at(3, 10), '45.148.10.22', 'u4'),
    failedLogin(at(4, 59), '45.148.10.22', 'u5'),
  ];
  const [e1, e2, e3, e4, e5] = events as [
    ReturnType<typeof failedLogin>,
    ...ReturnType<typeof failedLogin>[],
  ];
  // Delivered out of order, and unsorted inside files, as CloudTrail does.
  await put(dir, logName('20250311T0645Z'), cloudTrailFile([e4, benign(at(3, 0)), e2]), true);
  await put(dir, logName('20250311T0650Z'), cloudTrailFile([e5, e1]), true);
  await put(dir, logName('20250311T0655Z', 'eu-west-1'), cloudTrailFile([benign(at(4, 0)), e3]), true);
  return events;
}

describe('runScan', () => {
  it('raises one threshold finding for failures split across three files out of order, with or without threads', async () => {
    // Prepare
    const dir = await tempDir();
    const events = await failuresAcrossThreeFiles(dir);
    // Act
    const inline = await scan([dir], { workers: 0 });
    const threaded = await scan([dir], { workers: 2 });
    // Assess
    for (const run of [inline, threaded]) {
      expect(run.findings).toHaveLength(1);
      expect(run.findings[0]).toMatchObject({
        ruleId: FAILURES,
        eventIds: [events[4]?.eventID],
        eventTime: '2025-03-11T06:44:59.000Z',
        sourceIp: '45.148.10.22',
        threshold: { count: 5, threshold: 5, windowSeconds: 300, groupKey: '45.148.10.22' },
      });
      expect(run.summary).toMatchObject({
        files: { scanned: 3, unreadable: 0, damaged: 0, skipped: 0 },
        events: { read: 7, candidates: 5, late: 0 },
        findings: { total: 1, byRule: { [FAILURES]: 1 } },
      });
    }
    expect(threaded.summary.workers).toBe(2);
    expect(threaded.findings).toEqual(inline.findings);
  });

  it('raises nothing when the same five failures are spread wider than the rule`s window', async () => {
    // Prepare
    const dir = await tempDir();
    const times = ['06:00:00', '06:02:00', '06:04:00', '06:06:00', '06:08:00'].map((t) => `2025-03-11T${t}Z`);
    await put(
      dir,
      'a.jsonl',
      jsonLines(times.slice(0, 3).map((t, i) => failedLogin(t, '45.148.10.22', `u${i}`))),
    );
    await put(
      dir,
      'b.jsonl',
      jsonLines(times.slice(3).map((t, i) => failedLogin(t, '45.148.10.22', `v${i}`))),
    );
    // Act
    const run = await scan([dir], { workers: 0 });
    // Assess
    expect(run.findings).toEqual([]);
    expect(run.summary.events.candidates).toBe(5);
  });

  it('reports every matching event of a threshold rule when thresholds are ignored', async () => {
    // Prepare
    const dir = await tempDir();
    const events = await failuresAcrossThreeFiles(dir);
    // Act
    const run = await scan([dir], { ignoreThresholds: true, rules: selectRules([FAILURES], undefined) });
    // Assess
    expect(run.findings.map((f) => f.eventIds[0])).toEqual(events.map((e) => e.eventID));
    expect(run.findings.every((f) => f.threshold === null)).toBe(true);
  });

  it('hands events to the engine in event-time order across files within the reorder window', async () => {
    // Prepare
    const dir = await tempDir();
    const at = (m: number) => `2025-03-11T07:${String(m).padStart(2, '0')}:00Z`;
    const [a, b, c, d, e, f] = [at(1), at(2), at(3), at(4), at(5), at(6)].map(stopLogging);
    await put(dir, logName('20250311T0705Z'), cloudTrailFile([c, a]), true);
    await put(dir, logName('20250311T0710Z'), cloudTrailFile([f, b]), true);
    await put(dir, logName('20250311T0715Z'), cloudTrailFile([e, d]), true);
    // Act
    const run = await scan([dir], { workers: 2 });
    // Assess
    expect(run.findings.map((x) => x.eventIds[0])).toEqual([a, b, c, d, e, f].map((x) => x?.eventID));
    expect(run.summary.events.late).toBe(0);
  });

  it('counts events that arrive later than the reorder window, and still analyses them', async () => {
    // Prepare
    const dir = await tempDir();
    // The benign 09:00 event moves the window past 08:00 before b.jsonl's 07:00 event is read.
    await put(
      dir,
      'a.jsonl',
      jsonLines([stopLogging('2025-03-11T08:00:00Z'), benign('2025-03-11T09:00:00Z')]),
    );
    await put(dir, 'b.jsonl', jsonLines([stopLogging('2025-03-11T07:00:00Z')]));
    // Act
    const run = await scan([join(dir, 'a.jsonl'), join(dir, 'b.jsonl')], { reorderWindowSeconds: 60 });
    // Assess
    expect(run.summary.events.late).toBe(1);
    expect(run.findings).toHaveLength(2);
  });

  it('counts a record delivered twice (overlapping exports) once', async () => {
    // Prepare
    const dir = await tempDir();
    const stop = stopLogging('2025-03-11T08:00:00Z');
    const logins = ['00', '30', '59', '59', '59'].map((s, i) =>
      failedLogin(`2025-03-11T08:01:${s}Z`, '203.0.113.5', `u${i}`),
    );
    await put(dir, 'a.jsonl', jsonLines([stop, ...logins.slice(0, 4)]));
    await put(dir, 'b.jsonl', jsonLines([stop, logins[0], logins[1]]));
    // Act
    const run = await scan([dir]);
    // Assess
    expect(run.findings.map((f) => f.ruleId)).toEqual(['cloudtrail.logging-stopped']);
  });

  it('reads stdin before the files and keeps the rules and time range asked for', async () => {
    // Prepare
    const dir = await tempDir();
    await put(
      dir,
      'a.jsonl',
      jsonLines([rootCall('2025-03-11T09:00:00Z'), stopLogging('2025-03-11T09:01:00Z')]),
    );
    const stdin = Readable.from([
      Buffer.from(jsonLines([rootCall('2025-03-10T09:00:00Z'), rootCall('2025-03-11T08:59:00Z')])),
    ]);
    // Act
    const run = await scan(['-', dir], {
      stdin,
      rules: selectRules(['root.*'], undefined),
      since: Date.parse('2025-03-11T00:00:00Z'),
    });
    // Assess
    expect(run.findings.map((f) => [f.ruleId, f.eventTime, f.location.file])).toEqual([
      ['root.account-used', '2025-03-11T08:59:00.000Z', '<stdin>'],
      ['root.account-used', '2025-03-11T09:00:00.000Z', join(dir, 'a.jsonl')],
    ]);
    expect(run.summary.events).toMatchObject({ read: 4, outsideRange: 1 });
    expect(run.summary.files.scanned).toBe(2);
  });

  it('keeps scanning past unreadable and damaged inputs, counting each', async () => {
    // Prepare
    const dir = await tempDir();
    await mkdir(join(dir, 'sub'));
    const good = stopLogging('2025-03-11T10:00:00Z');
    await put(dir, 'sub/good.jsonl', jsonLines([good]));
    await put(dir, 'sub/bad.jsonl', `${JSON.stringify(benign('2025-03-11T10:00:01Z'))}\n{"not": closed}\n`);
    await put(dir, 'sub/notes.txt', 'hello');
    // Act
    const run = await scan([join(dir, 'sub'), join(dir, 'missing.json.gz')], { workers: 2 });
    // Assess
    expect(run.findings.map((f) => f.eventIds[0])).toEqual([good.eventID]);
    expect(run.summary.files).toEqual({ scanned: 2, unreadable: 1, damaged: 0, skipped: 1 });
    expect(run.summary.badRecords).toBe(1);
    expect(run.problems.map((p) => [p.kind, p.file])).toEqual([
      ['unreadable', join(dir, 'missing.json.gz')],
      ['invalid-json', join(dir, 'sub', 'bad.jsonl')],
    ]);
  });
});

describe('expandInputs', () => {
  it('orders CloudTrail log files by delivery time across regions, after other files in walk order', async () => {
    // Prepare
    const dir = await tempDir();
    await mkdir(join(dir, 'us-east-1'));
    await mkdir(join(dir, 'eu-west-1'));
    await put(dir, `us-east-1/${logName('20250311T0700Z')}`, '');
    await put(dir, `us-east-1/${logName('20250311T0600Z')}`, '');
    await put(dir, `eu-west-1/${logName('20250311T0630Z', 'eu-west-1')}`, '');
    await put(dir, 'export.jsonl', '');
    await put(dir, '.hidden.json', '');
    // Act
    const inputs = await expandInputs([dir, '-']);
    // Assess
    expect(inputs.files.map((f) => deliveryTime(f.path) ?? f.display)).toEqual([
      join(dir, 'export.jsonl'),
      '20250311T0600Z',
      '20250311T0630Z',
      '20250311T0700Z',
    ]);
    expect(inputs.stdin).toBe(true);
    expect(inputs.files.every((f) => f.walked)).toBe(true);
  });
});
