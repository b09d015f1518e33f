/**
 * The real `trailguard` binary in a child process: stdin through a pipe, exit codes as the shell sees them, and
 * parser threads started the way the installed CLI starts them.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { ScanFinding } from '../../cli/scan/types';
import { cloudTrailFile, failedLogin, jsonLines, lines, put, stopLogging, tempDir } from '../scan/support';

const BIN = resolve(__dirname, '..', '..', 'bin', 'trailguard.mjs');

function trailguard(
  args: string[],
  stdin?: Buffer,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code, out, err }));
    child.stdin.end(stdin ?? Buffer.alloc(0));
  });
}

describe('trailguard scan (binary)', () => {
  it('reads gzipped CloudTrail from a stdin pipe and exits 2 on --fail-on', async () => {
    // Prepare
    const stop = stopLogging('2025-03-11T06:50:00Z');
    // Act
    const { code, out, err } = await trailguard(
      ['scan', '-', '--fail-on', 'high'],
      gzipSync(cloudTrailFile([stop])),
    );
    // Assess
    expect(code).toBe(2);
    expect(lines<ScanFinding>(out).map((f) => f.eventIds[0])).toEqual([stop.eventID]);
    expect(err).toContain('findings: 1 (critical 1)');
    expect(err).not.toContain('\u001b'); // stderr is a pipe: no progress bar
  });

  it('scans a directory with parser threads and exits 1 when one input is unreadable', async () => {
    // Prepare
    const dir = await tempDir();
    const logins = [0, 1, 2, 3, 4].map((i) =>
      failedLogin(`2025-03-11T06:4${i}:00Z`, '45.148.10.22', `u${i}`),
    );
    await put(dir, 'a.json.gz', cloudTrailFile(logins.slice(0, 2)), true);
    await put(dir, 'b.json.gz', cloudTrailFile(logins.slice(2, 4)), true);
    await put(dir, 'c.jsonl', jsonLines(logins.slice(4)));
    // Act
    const { code, out, err } = await trailguard(['scan', dir, join(dir, 'missing.json'), '--workers', '2']);
    // Assess
    expect(code).toBe(1);
    expect(lines<ScanFinding>(out).map((f) => [f.ruleId, f.eventIds[0]])).toEqual([
      ['signin.console-login-failures', logins[4]?.eventID],
    ]);
    expect(err).toContain('2 parser threads');
    expect(err).toContain('1 unreadable');
  });
});

describe('trailguard (binary) output pipe', () => {
  it('stops quietly with 141 when the reader closes the pipe early, as with | head', async () => {
    // Prepare: megabytes of findings, far more than a pipe buffers.
    const dir = await tempDir();
    const stops = Array.from({ length: 3000 }, (_, i) =>
      stopLogging(new Date(Date.UTC(2025, 2, 11, 6, 0, i)).toISOString()),
    );
    const input = await put(dir, 'stops.jsonl', jsonLines(stops));
    const child = spawn(process.execPath, [BIN, 'scan', input, '--format', 'jsonl'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    // Act: read the first chunk, then close our end of the pipe like `head -1` does.
    const first = await new Promise<string>((done) =>
      child.stdout.once('data', (d: Buffer) => done(d.toString())),
    );
    child.stdout.destroy();
    const code = await new Promise<number | null>((done) => child.on('close', done));
    // Assess
    expect(first.length).toBeGreaterThan(0);
    expect(err).not.toMatch(/EPIPE|Error|\n\s+at /);
    expect(code).toBe(141);
  });
});
