/**
 * Reads one input (a file or a byte stream such as stdin) into `SourceBatch`es: gunzip when the bytes say gzip,
 * detect the JSON layout from the text, parse record by record, validate with the engine's own
 * `parseCloudTrailRecord`, apply `--since` / `--until`, and keep only the records the engine could act on
 * (`DetectionEngine.mayMatch`). Runs in worker threads for files and inline for stdin; it has no thread code.
 *
 * Memory: an input up to `WHOLE_INPUT_LIMIT` (compressed and decompressed) is parsed with one `JSON.parse`, the
 * fastest path and the common case (CloudTrail writes files of a few hundred records). A larger or damaged input is
 * streamed: read in chunks, decompressed incrementally and split into records, so only one record is held at a time.
 */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip, gunzipSync } from 'node:zlib';
import { parseCloudTrailRecord } from '../../lambdas/engine/record';
import type { CloudTrailRecord } from '../../lambdas/engine/types';
import { JsonValueSplitter, LineSplitter, type TextPiece } from './json-split';
import {
  type InputFormat,
  MAX_PROBLEMS_PER_INPUT,
  type Problem,
  type ProblemKind,
  RECORD_PROBLEM_KINDS,
  type RecordLocation,
  type SkipReason,
  type SourceBatch,
} from './types';

/** Inputs up to this size (compressed, and again decompressed) are read and parsed whole. */
export const WHOLE_INPUT_LIMIT = 8 * 1024 * 1024;
/** A single record or line longer than this is skipped (CloudTrail records are far smaller). */
export const MAX_RECORD_CHARS = 8 * 1024 * 1024;
/** A streamed input reports a batch after this many records, or this many candidates, so memory stays flat. */
export const BATCH_RECORDS = 20_000;
export const BATCH_CANDIDATES = 5_000;
/** Text looked at to recognise the layout. */
const HEAD_CHARS = 64 * 1024;
const STREAM_CHUNK_BYTES = 1024 * 1024;

const RECORDS_PREFIX = /^\{\s*"Records"\s*:\s*\[/;

export interface ReaderOptions {
  /** The engine's cheap "could anything happen" test: records it rejects never leave the reader. */
  readonly mayMatch: (record: CloudTrailRecord) => boolean;
  /** Inclusive lower and exclusive upper bound on `eventTime`, epoch ms. */
  readonly since?: number;
  readonly until?: number;
}

export interface InputRef {
  /** Path to open (files only). */
  readonly path: string;
  /** Name shown in problems and findings. */
  readonly display: string;
  /** Found by walking a directory: an input that is not JSON at all is skipped instead of being an error. */
  readonly walked: boolean;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Collects what one input yields and hands it out in batches. */
class Collector {
  private batch: SourceBatch = Collector.empty();
  private carried = 0;
  private sinceTake = 0;
  /** Decompressed characters seen in total (whether the input produced anything). */
  totalChars = 0;
  skipped: SkipReason | undefined;
  format: InputFormat | undefined;

  constructor(
    readonly file: string,
    private readonly options: ReaderOptions,
  ) {}

  private static empty(): SourceBatch {
    return {
      records: 0,
      outsideRange: 0,
      problemCounts: {},
      bytes: 0,
      chars: 0,
      minTime: undefined,
      maxTime: undefined,
      candidates: [],
      problems: [],
      final: false,
    };
  }

  get full(): boolean {
    return this.sinceTake >= BATCH_RECORDS || this.batch.candidates.length >= BATCH_CANDIDATES;
  }

  addBytes(n: number): void {
    this.batch.bytes += n;
  }

  addChars(n: number): void {
    this.batch.chars += n;
    this.totalChars += n;
  }

  take(final: boolean): SourceBatch {
    const out = this.batch;
    out.final = final;
    if (final) {
      out.skipped = this.skipped;
      out.format = this.format;
    }
    this.batch = Collector.empty();
    this.sinceTake = 0;
    return out;
  }

  problem(kind: ProblemKind, location: RecordLocation | undefined, message: string): void {
    const counts = this.batch.problemCounts;
    counts[kind] = (counts[kind] ?? 0) + 1;
    if (RECORD_PROBLEM_KINDS.has(kind)) this.sinceTake++;
    if (this.carried >= MAX_PROBLEMS_PER_INPUT) return;
    this.carried++;
    this.batch.problems.push({ kind, file: this.file, location, message } satisfies Problem);
  }

  /**
   * Any parsed JSON value: a CloudTrail log file (`{"Records": [...]}`), an array of records or envelopes, an
   * EventBridge envelope, or one record. CloudTrail digest files are recognised and skipped.
   */
  value(value: unknown, base: RecordLocation): void {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) this.element(value[i], base, '', i);
      return;
    }
    if (isObject(value)) {
      const records = value.Records;
      if (Array.isArray(records)) {
        for (let i = 0; i < records.length; i++) this.element(records[i], base, 'Records', i);
        return;
      }
      if ('digestStartTime' in value && 'logFiles' in value) {
        this.skipped ??= 'cloudtrail-digest';
        return;
      }
    }
    this.element(value, base, undefined, -1);
  }

  /** One element of a records array: a record, or an EventBridge envelope whose `detail` is the record. */
  element(value: unknown, base: RecordLocation, prefix: string | undefined, index: number): void {
    // The same envelope test as the analyzer's queue messages (`recordFromMessageBody`).
    if (isObject(value) && 'detail' in value && 'detail-type' in value) {
      this.record(value.detail, base, prefix, index, true);
    } else this.record(value, base, prefix, index, false);
  }

  /** Locations are only built for the few records that need one (bad ones and candidates). */
  private static locate(
    base: RecordLocation,
    prefix: string | undefined,
    index: number,
    envelope: boolean,
  ): RecordLocation {
    let pointer = prefix === undefined ? (base.pointer ?? '') : `${prefix}[${index}]`;
    if (envelope) pointer = pointer === '' ? 'detail' : `${pointer}.detail`;
    return pointer === '' ? base : { ...base, pointer };
  }

  private record(
    value: unknown,
    base: RecordLocation,
    prefix: string | undefined,
    index: number,
    envelope: boolean,
  ): void {
    let record: CloudTrailRecord;
    try {
      record = parseCloudTrailRecord(value, '');
    } catch (error) {
      this.problem(
        'invalid-record',
        Collector.locate(base, prefix, index, envelope),
        errorMessage(error).replace(/^: /, ''),
      );
      return;
    }
    const batch = this.batch;
    batch.records++;
    this.sinceTake++;
    const time = Date.parse(record.eventTime);
    const { since, until } = this.options;
    if ((since !== undefined && time < since) || (until !== undefined && time >= until)) {
      batch.outsideRange++;
      return;
    }
    if (batch.minTime === undefined || time < batch.minTime) batch.minTime = time;
    if (batch.maxTime === undefined || time > batch.maxTime) batch.maxTime = time;
    if (this.options.mayMatch(record)) {
      batch.candidates.push({ record, time, location: Collector.locate(base, prefix, index, envelope) });
    }
  }
}

type Layout = InputFormat | 'not-json' | 'empty';

/** Recognises the layout from the start of the text (`final`: the text is complete). */
function detectLayout(head: string, final: boolean): { layout: Layout; start: number } | undefined {
  let start = 0;
  while (start < head.length && /\s|\ufeff/.test(head.charAt(start))) start++;
  if (start === head.length) return final ? { layout: 'empty', start } : undefined;
  const first = head.charAt(start);
  if (first === '[') return { layout: 'json-array', start };
  if (first !== '{') return { layout: 'not-json', start };
  if (!final && head.length < HEAD_CHARS) return undefined;
  const rest = head.slice(start);
  if (RECORDS_PREFIX.test(rest)) return { layout: 'cloudtrail-file', start };
  const newline = rest.indexOf('\n');
  if (newline > 0) {
    try {
      JSON.parse(rest.slice(0, newline));
      return { layout: 'json-lines', start };
    } catch {
      // A pretty-printed document or concatenated values: split by structure.
    }
  }
  return { layout: 'json-values', start };
}

function countLines(text: string): number {
  let lines = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

/** Feeds decoded text to the right splitter once the layout is known. */
class TextReader {
  private head = '';
  private decided = false;
  private splitter: JsonValueSplitter | LineSplitter | undefined;
  private layout: Layout | undefined;
  private elementIndex = 0;

  constructor(
    private readonly collector: Collector,
    private readonly walked: boolean,
  ) {}

  /** The layout, once known. */
  get detected(): Layout | undefined {
    return this.layout;
  }

  push(text: string): void {
    if (this.decided) {
      this.splitter?.push(text);
      return;
    }
    this.head += text;
    this.decide(false);
  }

  /** Ends the text. `cut`: it ended because the input was damaged (already reported by the caller). */
  end(cut: boolean): void {
    if (!this.decided) this.decide(true);
    const splitter = this.splitter;
    if (splitter === undefined) return;
    const unfinished = splitter instanceof LineSplitter ? splitter.end(cut) : splitter.end();
    if (unfinished !== undefined && !cut) {
      this.collector.problem(
        'damaged',
        unfinished,
        'the input ends inside a JSON value that starts here: it looks truncated; the records before it were scanned',
      );
    } else if (
      !cut &&
      unfinished === undefined &&
      splitter instanceof JsonValueSplitter &&
      (this.layout === 'cloudtrail-file' || this.layout === 'json-array') &&
      !splitter.done
    ) {
      this.collector.problem(
        'damaged',
        undefined,
        'the records array is never closed: the input looks truncated; the records before the end were scanned',
      );
    }
  }

  private decide(final: boolean): void {
    const found = detectLayout(this.head, final);
    if (found === undefined) return;
    this.decided = true;
    this.layout = found.layout;
    const head = this.head;
    this.head = '';
    const { layout, start } = found;
    if (layout === 'empty') return;
    if (layout === 'not-json') {
      if (this.walked) this.collector.skipped = 'not-json';
      else {
        this.collector.problem(
          'unreadable',
          undefined,
          `not CloudTrail JSON: the text starts with ${JSON.stringify(head.slice(start, start + 16))}`,
        );
      }
      return;
    }
    this.collector.format = layout;
    const events = {
      piece: (piece: TextPiece) => this.piece(piece),
      tooLarge: (at: { offset: number; line: number }, chars: number) =>
        this.collector.problem(
          'too-large',
          at,
          `record longer than ${MAX_RECORD_CHARS} characters (${chars}+)`,
        ),
    };
    if (layout === 'json-lines') {
      this.splitter = new LineSplitter(events, MAX_RECORD_CHARS);
      this.splitter.push(head);
      return;
    }
    if (layout === 'json-values') {
      this.splitter = new JsonValueSplitter('values', events, MAX_RECORD_CHARS);
      this.splitter.push(head);
      return;
    }
    const prefixEnd =
      layout === 'cloudtrail-file'
        ? start + (RECORDS_PREFIX.exec(head.slice(start))?.[0].length ?? 0)
        : start + 1;
    const splitter = new JsonValueSplitter('elements', events, MAX_RECORD_CHARS);
    splitter.startAt(prefixEnd, 1 + countLines(head.slice(0, prefixEnd)));
    this.splitter = splitter;
    splitter.push(head.slice(prefixEnd));
  }

  private piece(piece: TextPiece): void {
    const at: RecordLocation = { line: piece.line, offset: piece.offset };
    let value: unknown;
    try {
      value = JSON.parse(piece.text);
    } catch (error) {
      this.collector.problem('invalid-json', at, `invalid JSON: ${errorMessage(error)}`);
      return;
    }
    if (this.layout === 'cloudtrail-file' || this.layout === 'json-array') {
      const prefix = this.layout === 'cloudtrail-file' ? 'Records' : '';
      this.collector.element(value, at, prefix, this.elementIndex++);
    } else this.collector.value(value, at);
  }
}

/** Text of a whole small input: one `JSON.parse` when it is valid, else the splitters (to read what is good). */
function readWholeText(text: string, collector: Collector, walked: boolean): void {
  const found = detectLayout(text.slice(0, HEAD_CHARS), text.length <= HEAD_CHARS);
  const layout = found?.layout ?? 'json-values';
  if (layout === 'cloudtrail-file' || layout === 'json-array' || layout === 'json-values') {
    let value: unknown;
    let parsed = false;
    try {
      value = JSON.parse(text);
      parsed = true;
    } catch {
      // Damaged or concatenated: fall through to the splitters, which read every good record and say where.
    }
    if (parsed) {
      collector.format = layout;
      collector.value(value, {});
      return;
    }
  }
  const reader = new TextReader(collector, walked);
  reader.push(text);
  reader.end(false);
}

function unreadableBatch(collector: Collector, message: string): SourceBatch {
  collector.problem('unreadable', undefined, message);
  return collector.take(true);
}

/** Reads one file. Never throws: every problem is in the batches. */
export async function* readFileInput(input: InputRef, options: ReaderOptions): AsyncGenerator<SourceBatch> {
  const collector = new Collector(input.display, options);
  let size: number;
  try {
    // Synchronous on purpose: parser threads read one file at a time, and a small file's open/stat/read/close as
    // four trips through libuv's thread pool left the thread idle for about a third of a scan.
    const info = statSync(input.path);
    if (!info.isFile()) {
      yield unreadableBatch(collector, 'not a regular file');
      return;
    }
    size = info.size;
  } catch (error) {
    yield unreadableBatch(collector, errorMessage(error));
    return;
  }
  if (size > WHOLE_INPUT_LIMIT) {
    const stream = createReadStream(input.path, { highWaterMark: STREAM_CHUNK_BYTES });
    try {
      yield* readStreamInput(stream, input.display, options, { walked: input.walked, collector });
    } finally {
      stream.destroy();
    }
    return;
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(input.path);
  } catch (error) {
    yield unreadableBatch(collector, errorMessage(error));
    return;
  }
  let text: string;
  if (isGzip(bytes)) {
    try {
      text = gunzipSync(bytes, { maxOutputLength: WHOLE_INPUT_LIMIT }).toString('utf8');
    } catch {
      // Too large to hold, truncated or corrupt: stream it, which reads up to the damage and reports where.
      yield* readStreamInput(Readable.from([bytes]), input.display, options, {
        walked: input.walked,
        collector,
      });
      return;
    }
  } else text = bytes.toString('utf8');
  collector.addBytes(bytes.length);
  collector.addChars(text.length);
  readWholeText(text, collector, input.walked);
  yield collector.take(true);
}

/**
 * Collects a readable's chunks with backpressure, yielding every chunk that arrived before an error and then
 * throwing it (an async iterator over a stream drops buffered data when the stream errors).
 */
async function* chunksOf(stream: NodeJS.ReadableStream): AsyncGenerator<Buffer> {
  const queue: Buffer[] = [];
  let ended = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  stream.on('data', (chunk: Buffer | string) => {
    queue.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    if (queue.length >= 4) stream.pause();
    notify();
  });
  stream.on('end', () => {
    ended = true;
    notify();
  });
  stream.on('error', (error: unknown) => {
    failure = error;
    ended = true;
    notify();
  });
  for (;;) {
    const chunk = queue.shift();
    if (chunk !== undefined) {
      if (queue.length < 2 && stream.isPaused()) stream.resume();
      yield chunk;
      continue;
    }
    if (ended) break;
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
  }
  if (failure !== undefined) throw failure;
}

/**
 * Reads a byte stream (a large file, a damaged gzip, or stdin): gzip is recognised by its magic bytes. Memory
 * stays bounded by the chunk size and the longest record. Never throws: problems are in the batches.
 */
export async function* readStreamInput(
  source: NodeJS.ReadableStream,
  display: string,
  options: ReaderOptions,
  more: { walked?: boolean; collector?: Collector } = {},
): AsyncGenerator<SourceBatch> {
  const walked = more.walked ?? false;
  const collector = more.collector ?? new Collector(display, options);
  const raw = chunksOf(source);
  let input: Readable | undefined;
  const reader = new TextReader(collector, walked);
  const decoder = new StringDecoder('utf8');
  let rawBytes = 0;
  let damage: unknown;
  let gzip = false;
  const feed = (buffer: Buffer) => {
    const text = decoder.write(buffer);
    collector.addChars(text.length);
    reader.push(text);
  };
  try {
    const first = await raw.next();
    if (!first.done) {
      gzip = isGzip(first.value);
      const all = (async function* () {
        yield first.value;
        yield* raw;
      })();
      if (!gzip) {
        for await (const chunk of all) {
          rawBytes += chunk.length;
          collector.addBytes(chunk.length);
          feed(chunk);
          if (collector.full) yield collector.take(false);
        }
      } else {
        const gunzip = createGunzip();
        input = Readable.from(all);
        input.on('data', (chunk: Buffer) => {
          rawBytes += chunk.length;
          collector.addBytes(chunk.length);
        });
        input.on('error', (error) => gunzip.destroy(error));
        input.pipe(gunzip);
        for await (const chunk of chunksOf(gunzip)) {
          feed(chunk);
          if (collector.full) yield collector.take(false);
        }
      }
    }
  } catch (error) {
    damage = error;
  } finally {
    // Stop pulling compressed bytes after damage; the caller closes the source it opened.
    input?.destroy();
  }
  const tail = decoder.end();
  if (tail.length > 0) {
    collector.addChars(tail.length);
    reader.push(tail);
  }
  reader.end(damage !== undefined);
  if (damage !== undefined) {
    const what = gzip ? 'gzip data' : 'input';
    const message = `${what} damaged after ${rawBytes} bytes read (${collector.totalChars} characters decoded): ${errorMessage(damage)}`;
    if (collector.totalChars === 0 || reader.detected === 'not-json')
      collector.problem('unreadable', undefined, message);
    else {
      collector.problem(
        'damaged',
        { offset: collector.totalChars },
        `${message}; the records before this point were scanned`,
      );
    }
  }
  yield collector.take(true);
}
