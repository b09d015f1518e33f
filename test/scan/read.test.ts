import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  BATCH_CANDIDATES,
  BATCH_RECORDS,
  type ReaderOptions,
  readFileInput,
  readStreamInput,
  WHOLE_INPUT_LIMIT,
} from '../../cli/scan/read';
import { mayMatchFor } from '../../cli/scan/rules';
import type { SourceBatch } from '../../cli/scan/types';
import { catalog } from '../../lambdas/rules';
import {
  benign,
  cloudTrailFile,
  envelope,
  failedLogin,
  jsonLines,
  put,
  stopLogging,
  tempDir,
} from './support';

const everything: ReaderOptions = { mayMatch: () => true };

async function drain(batches: AsyncGenerator<SourceBatch>) {
  const all: SourceBatch[] = [];
  for await (const batch of batches) all.push(batch);
  const last = all.at(-1) as SourceBatch;
  return {
    batches: all,
    records: all.reduce((n, b) => n + b.records, 0),
    outsideRange: all.reduce((n, b) => n + b.outsideRange, 0),
    ids: all.flatMap((b) => b.candidates.map((c) => c.record.eventID)),
    candidates: all.flatMap((b) => b.candidates),
    problems: all.flatMap((b) => b.problems),
    counts: all.reduce<Record<string, number>>((acc, b) => {
      for (const [k, n] of Object.entries(b.problemCounts)) acc[k] = (acc[k] ?? 0) + n;
      return acc;
    }, {}),
    format: last.format,
    skipped: last.skipped,
  };
}

function readPath(path: string, options: ReaderOptions = everything, walked = false) {
  return drain(readFileInput({ path, display: path, walked }, options));
}

const t = (minute: number) => `2025-03-11T06:${String(minute).padStart(2, '0')}:00Z`;

describe('scan readers', () => {
  it('reads every layout, gzipped or not, and recognises it by content rather than by name', async () => {
    // Prepare
    const dir = await tempDir();
    const records = [benign(t(1)), stopLogging(t(2))];
    const ids = records.map((r) => r.eventID);
    const inputs = {
      'cloudtrail.json.gz': { content: cloudTrailFile(records), gzip: true, format: 'cloudtrail-file' },
      'pretty-cloudtrail.json': {
        content: JSON.stringify({ Records: records }, null, 2),
        gzip: false,
        format: 'cloudtrail-file',
      },
      'lines.jsonl': { content: jsonLines(records), gzip: false, format: 'json-lines' },
      'lines.jsonl.gz': { content: jsonLines(records), gzip: true, format: 'json-lines' },
      'array.json': { content: JSON.stringify(records), gzip: false, format: 'json-array' },
      'eventbridge.jsonl': { content: jsonLines(records.map(envelope)), gzip: false, format: 'json-lines' },
      'eventbridge-array.json': {
        content: JSON.stringify(records.map(envelope)),
        gzip: false,
        format: 'json-array',
      },
      'firehose-concatenated': {
        content: records.map((r) => JSON.stringify(envelope(r), null, 1)).join(''),
        gzip: true,
        format: 'json-values',
      },
      'gzipped-but-named.json': { content: jsonLines(records), gzip: true, format: 'json-lines' },
      'lines-named.json': { content: jsonLines(records), gzip: false, format: 'json-lines' },
    } as const;
    for (const [name, spec] of Object.entries(inputs)) await put(dir, name, spec.content, spec.gzip);
    // Act
    const results = await Promise.all(
      Object.entries(inputs).map(async ([name, spec]) => ({
        name,
        expected: spec.format,
        read: await readPath(join(dir, name)),
      })),
    );
    // Assess
    for (const { name, expected, read } of results) {
      expect({ name, format: read.format, ids: read.ids, problems: read.problems }).toEqual({
        name,
        format: expected,
        ids,
        problems: [],
      });
    }
  });

  it('locates each record by line in JSON Lines and by index in a CloudTrail file', async () => {
    // Prepare
    const dir = await tempDir();
    const records = [benign(t(1)), stopLogging(t(2))];
    const jsonl = await put(dir, 'a.jsonl', jsonLines(records));
    const ct = await put(dir, 'b.json', cloudTrailFile(records));
    const eb = await put(dir, 'c.jsonl', jsonLines(records.map(envelope)));
    // Act
    const [l, c, e] = await Promise.all([readPath(jsonl), readPath(ct), readPath(eb)]);
    // Assess
    expect(l.candidates.map((x) => x.location.line)).toEqual([1, 2]);
    expect(c.candidates.map((x) => x.location.pointer)).toEqual(['Records[0]', 'Records[1]']);
    expect(e.candidates.map((x) => x.location)).toEqual([
      { line: 1, offset: 0, pointer: 'detail' },
      { line: 2, offset: expect.any(Number), pointer: 'detail' },
    ]);
  });

  it('counts an invalid JSON line and a record missing fields with file and line, and reads the rest', async () => {
    // Prepare
    const dir = await tempDir();
    const good = [benign(t(1)), stopLogging(t(2))];
    const { eventID: _dropped, ...noId } = benign(t(3));
    const text = `${JSON.stringify(good[0])}\n{"eventTime": oops\n${JSON.stringify(noId)}\n${JSON.stringify(good[1])}\n`;
    const path = await put(dir, 'mixed.jsonl', text);
    // Act
    const read = await readPath(path);
    // Assess
    expect(read.ids).toEqual(good.map((r) => r.eventID));
    expect(read.counts).toEqual({ 'invalid-json': 1, 'invalid-record': 1 });
    expect(read.problems).toEqual([
      {
        kind: 'invalid-json',
        file: path,
        location: { line: 2, offset: text.indexOf('{"eventTime": oops') },
        message: expect.stringContaining('invalid JSON'),
      },
      {
        kind: 'invalid-record',
        file: path,
        location: { line: 3, offset: expect.any(Number) },
        message: 'field "eventID" must be a non-empty string, got nothing',
      },
    ]);
  });

  it('points at the bad element of a CloudTrail file and scans the others', async () => {
    // Prepare
    const dir = await tempDir();
    const good = benign(t(1));
    const path = await put(dir, 'bad.json.gz', cloudTrailFile([good, { eventTime: 'yesterday' }, 42]), true);
    // Act
    const read = await readPath(path);
    // Assess
    expect(read.ids).toEqual([good.eventID]);
    expect(read.problems.map((p) => [p.kind, p.location?.pointer])).toEqual([
      ['invalid-record', 'Records[1]'],
      ['invalid-record', 'Records[2]'],
    ]);
    expect(read.problems[1]?.message).toBe('expected a CloudTrail record object, got number');
  });

  it('scans the records before the cut of a truncated .gz and reports it as damaged with the offset', async () => {
    // Prepare
    const dir = await tempDir();
    const records = Array.from({ length: 200 }, (_, i) =>
      benign(`2025-03-11T06:00:${String(i % 60).padStart(2, '0')}Z`),
    );
    const gz = gzipSync(cloudTrailFile(records));
    const path = await put(dir, 'truncated.json.gz', gz.subarray(0, Math.floor(gz.length / 2)));
    // Act
    const read = await readPath(path);
    // Assess
    expect(read.records).toBeGreaterThan(10);
    expect(read.records).toBeLessThan(200);
    expect(read.ids).toEqual(records.slice(0, read.records).map((r) => r.eventID));
    expect(read.counts).toEqual({ damaged: 1 });
    expect(read.problems).toEqual([
      {
        kind: 'damaged',
        file: path,
        location: { offset: expect.any(Number) },
        message: expect.stringMatching(
          /^gzip data damaged after \d+ bytes read \(\d+ characters decoded\): unexpected end of file; the records before this point were scanned$/,
        ),
      },
    ]);
    expect(read.problems[0]?.location?.offset).toBeGreaterThan(0);
  });

  it('reports a plain file that stops inside a record as damaged, naming the line where that record starts', async () => {
    // Prepare
    const dir = await tempDir();
    const records = [benign(t(1)), benign(t(2))];
    const text = JSON.stringify({ Records: records }, null, 2);
    const path = await put(dir, 'cut.json', text.slice(0, text.length - 40));
    const secondRecord = text.indexOf('\n    {', text.indexOf('\n    {') + 1) + 5;
    // Act
    const read = await readPath(path);
    // Assess
    expect(read.ids).toEqual([records[0]?.eventID]);
    expect(read.problems).toEqual([
      {
        kind: 'damaged',
        file: path,
        location: { line: text.slice(0, secondRecord).split('\n').length, offset: secondRecord },
        message: expect.stringContaining('looks truncated'),
      },
    ]);
  });

  it('calls a file unreadable when nothing in it can be read, and skips non-JSON files found by a directory walk', async () => {
    // Prepare
    const dir = await tempDir();
    const garbage = await put(
      dir,
      'garbage.json.gz',
      Buffer.from([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3, 4, 5, 6, 7]),
    );
    const readme = await put(dir, 'README.txt', 'These are our CloudTrail logs.\n');
    // Act
    const [g, named, walked, missing] = await Promise.all([
      readPath(garbage),
      readPath(readme),
      readPath(readme, everything, true),
      readPath(join(dir, 'missing.json')),
    ]);
    // Assess
    expect(g.problems.map((p) => p.kind)).toEqual(['unreadable']);
    expect(named.problems).toEqual([
      {
        kind: 'unreadable',
        file: readme,
        location: undefined,
        message: 'not CloudTrail JSON: the text starts with "These are our Cl"',
      },
    ]);
    expect(walked).toMatchObject({ problems: [], skipped: 'not-json', records: 0 });
    expect(missing.problems.map((p) => p.kind)).toEqual(['unreadable']);
  });

  it('skips CloudTrail digest files without calling them bad', async () => {
    // Prepare
    const dir = await tempDir();
    const digest = {
      awsAccountId: '111122223333',
      digestStartTime: '2025-03-11T05:00:00Z',
      digestEndTime: '2025-03-11T06:00:00Z',
      logFiles: [],
    };
    const path = await put(dir, 'digest.json.gz', JSON.stringify(digest), true);
    // Act
    const read = await readPath(path, everything, true);
    // Assess
    expect(read).toMatchObject({ records: 0, problems: [], skipped: 'cloudtrail-digest' });
  });

  it('keeps only records inside --since/--until and counts the others', async () => {
    // Prepare
    const dir = await tempDir();
    const records = [benign(t(1)), benign(t(2)), benign(t(3))];
    const path = await put(dir, 'range.jsonl', jsonLines(records));
    // Act
    const read = await readPath(path, { ...everything, since: Date.parse(t(2)), until: Date.parse(t(3)) });
    // Assess
    expect(read.ids).toEqual([records[1]?.eventID]);
    expect(read).toMatchObject({ records: 3, outsideRange: 2 });
  });

  it('hands on only the records some rule could act on (the engine`s mayMatch)', async () => {
    // Prepare
    const dir = await tempDir();
    const hit = stopLogging(t(2));
    const path = await put(dir, 'mix.jsonl', jsonLines([benign(t(1)), hit, benign(t(3))]));
    // Act
    const read = await readPath(path, { mayMatch: mayMatchFor(catalog, false) });
    // Assess
    expect(read.records).toBe(3);
    expect(read.ids).toEqual([hit.eventID]);
  });

  it('streams an input larger than the whole-file limit in bounded batches', async () => {
    // Prepare: small records, so the file holds several batches' worth.
    const dir = await tempDir();
    const path = join(dir, 'big.jsonl');
    const line = `${JSON.stringify({ eventTime: t(5), eventSource: 's3.amazonaws.com', eventName: 'GetObject', eventID: 'x' })}\n`;
    const count = Math.ceil((WHOLE_INPUT_LIMIT * 1.2) / line.length);
    await writeFile(path, line.repeat(count));
    const perChunk = Math.ceil((1024 * 1024) / line.length); // the stream is read in 1 MiB chunks
    // Act
    const read = await readPath(path, { mayMatch: () => false });
    const matching = await readPath(path, { mayMatch: () => true });
    // Assess
    expect(count).toBeGreaterThan(3 * BATCH_RECORDS);
    expect(read.records).toBe(count);
    expect(read.format).toBe('json-lines');
    expect(read.batches.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...read.batches.map((b) => b.records))).toBeLessThanOrEqual(BATCH_RECORDS + perChunk);
    expect(matching.candidates).toHaveLength(count);
    expect(Math.max(...matching.batches.map((b) => b.candidates.length))).toBeLessThanOrEqual(
      BATCH_CANDIDATES + perChunk,
    );
  });

  it('reads stdin-like streams, plain or gzipped, split into arbitrary chunks', async () => {
    // Prepare
    const records = [benign(t(1)), stopLogging(t(2)), failedLogin(t(3))];
    const gz = gzipSync(cloudTrailFile(records));
    const chunks = (bytes: Buffer) =>
      Readable.from([bytes.subarray(0, 3), bytes.subarray(3, 50), bytes.subarray(50)]);
    // Act
    const plain = await drain(
      readStreamInput(chunks(Buffer.from(jsonLines(records))), '<stdin>', everything),
    );
    const gzipped = await drain(readStreamInput(chunks(gz), '<stdin>', everything));
    // Assess
    expect(plain.ids).toEqual(records.map((r) => r.eventID));
    expect(gzipped.ids).toEqual(records.map((r) => r.eventID));
    expect(gzipped.format).toBe('cloudtrail-file');
  });
});
