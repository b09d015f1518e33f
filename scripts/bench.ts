/**
 * `npm run bench`: generates a realistic CloudTrail archive (see bench-data.ts) in a temporary directory, then
 * measures in one run, on the same files:
 * - the floor: a plain Node loop, one thread, that only reads, gunzips and `JSON.parse`s each file;
 * - `trailguard scan` with the full catalog (default threads, and again with no parser threads);
 * - peak memory of the scan process (all threads), on the whole archive, on a quarter of it, and with nothing to
 *   read (what loading the CLI costs on its own).
 * The measurements take turns, three rounds, and each keeps its fastest run (the first round warms the page cache;
 * turns spread the noise of other load evenly). The archive is deleted at the end. Not part of `npm test`.
 *
 * Options: `--records N` (default 500000), `--keep` (leave the archive and print where).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { generateArchive } from './bench-data';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');
const TARGET = 0.8;
const ROUNDS = 3;
const RSS_LIMIT = 300 * 1024 * 1024;

const FLOOR = `
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { gunzipSync } = require('node:zlib');
const files = process.argv.slice(1);
const start = performance.now();
let records = 0, bytes = 0, text = 0;
for (const f of files) {
  const buf = readFileSync(f);
  bytes += buf.length;
  const s = gunzipSync(buf).toString('utf8');
  text += s.length;
  records += JSON.parse(s).Records.length;
}
const ms = performance.now() - start;
console.log(JSON.stringify({ records, bytes, text, ms, maxRss: process.resourceUsage().maxRSS * 1024 }));
`;

interface Measure {
  records: number;
  ms: number;
  wallMs: number;
  maxRss: number;
  findings?: number;
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else out.push(path);
  }
  return out.sort();
}

async function floor(files: string[]): Promise<Measure> {
  const started = performance.now();
  const { stdout } = await run(process.execPath, ['-e', FLOOR, ...files], { maxBuffer: 1 << 20 });
  const result = JSON.parse(stdout) as { records: number; ms: number; maxRss: number };
  return { ...result, wallMs: performance.now() - started };
}

async function scan(paths: string[], out: string, workers?: number): Promise<Measure> {
  const args = [join(ROOT, 'bin/trailguard.mjs'), 'scan', ...paths, '--format', 'json', '--output', out];
  if (workers !== undefined) args.push('--workers', String(workers));
  const started = performance.now();
  await run(process.execPath, args, { cwd: ROOT, maxBuffer: 16 << 20 }).catch((error: { code?: number }) => {
    if (error.code !== 2) throw error; // 2 is not expected without --fail-on, but keep the figures if it happens
  });
  const wallMs = performance.now() - started;
  const report = JSON.parse(await readFile(out, 'utf8')) as {
    summary: {
      events: { read: number };
      elapsedMs: number;
      peakRssBytes: number;
      findings: { total: number };
    };
  };
  return {
    records: report.summary.events.read,
    ms: report.summary.elapsedMs,
    wallMs,
    maxRss: report.summary.peakRssBytes,
    findings: report.summary.findings.total,
  };
}

/** Runs the measurements in turns, `rounds` times, and keeps each one's fastest run (less noise from other load). */
async function interleaved<K extends string>(
  rounds: number,
  measures: Record<K, () => Promise<Measure>>,
): Promise<Record<K, Measure>> {
  const bestOf = {} as Record<K, Measure>;
  for (let round = 0; round < rounds; round++) {
    for (const key of Object.keys(measures) as K[]) {
      const m = await measures[key]();
      if (bestOf[key] === undefined || m.ms < bestOf[key].ms) bestOf[key] = m;
    }
  }
  return bestOf;
}

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
const rate = (records: number, ms: number) => Math.round((records / ms) * 1000);

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const recordsAt = argv.indexOf('--records');
  const minRecords = recordsAt >= 0 ? Number(argv[recordsAt + 1]) : 500_000;
  const keep = argv.includes('--keep');
  const dir = await mkdtemp(join(tmpdir(), 'trailguard-bench-'));
  try {
    let t = performance.now();
    const archive = await generateArchive(join(dir, 'archive'), minRecords);
    console.log(
      `archive: ${archive.records.toLocaleString('en-US')} records in ${archive.files} .json.gz files, ` +
        `${mib(archive.compressedBytes)} compressed, ${mib(archive.uncompressedBytes)} uncompressed ` +
        `(${Math.round(archive.uncompressedBytes / archive.records)} bytes/record); generated in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    const files = await walk(join(dir, 'archive'));
    const MB = archive.uncompressedBytes / 1e6;
    const MBgz = archive.compressedBytes / 1e6;

    t = performance.now();
    const { f, s, s0 } = await interleaved(ROUNDS, {
      f: () => floor(files),
      s: () => scan([join(dir, 'archive')], join(dir, 'out.json')),
      s0: () => scan([join(dir, 'archive')], join(dir, 'out0.json'), 0),
    });
    const quarter = files.slice(0, Math.ceil(files.length / 4));
    const q = await scan(quarter, join(dir, 'outq.json'));
    // What the CLI process costs before it reads anything (every command's imports, the TypeScript loader).
    await mkdir(join(dir, 'empty'));
    const idle = await scan([join(dir, 'empty')], join(dir, 'oute.json'));

    const row = (name: string, m: Measure, ms: number) => {
      const share = m.records / archive.records; // MB/s of the part read (a subset reads fewer bytes)
      if (m.records === 0) return name;
      return (
        `${name.padEnd(44)} ${rate(m.records, ms).toLocaleString('en-US').padStart(9)} rec/s ` +
        `${((MB * share) / (ms / 1000)).toFixed(1).padStart(7)} MB/s (${((MBgz * share) / (ms / 1000)).toFixed(1).padStart(5)} MB/s gz) ` +
        `${((rate(m.records, ms) / rate(f.records, f.ms)) * 100).toFixed(0).padStart(4)}% of floor  ${(ms / 1000).toFixed(2)} s  peak RSS ${mib(m.maxRss)}`
      );
    };
    console.log('');
    console.log(row('floor: 1 thread, gunzip + JSON.parse only', f, f.ms));
    console.log(row(`scan, default threads (${s.findings} findings)`, s, s.ms));
    console.log(row('scan, default threads, incl. process start', s, s.wallMs));
    console.log(row('scan, --workers 0 (all on one thread)', s0, s0.ms));
    console.log(row(`scan of a quarter of the files`, q, q.ms));
    console.log(`${'scan of an empty directory (CLI baseline)'.padEnd(44)} peak RSS ${mib(idle.maxRss)}`);
    console.log('');
    const ratio = rate(s.records, s.ms) / rate(f.records, f.ms);
    const peak = Math.max(s.maxRss, s0.maxRss, q.maxRss);
    console.log(
      `target: scan >= ${TARGET * 100}% of the floor: ${ratio >= TARGET ? 'met' : 'MISSED'} (${(ratio * 100).toFixed(0)}%); ` +
        `peak RSS < ${mib(RSS_LIMIT)}: ${peak < RSS_LIMIT ? 'met' : 'MISSED'} (${mib(peak)}; a quarter of the input: ${mib(q.maxRss)})`,
    );
    if (s.records !== f.records)
      console.log(`warning: the scan read ${s.records} records, the floor ${f.records}`);
    console.log(`measured in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  } finally {
    if (keep) console.log(`archive kept in ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}

await main();
