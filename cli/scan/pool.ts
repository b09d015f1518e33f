/**
 * Parser threads for many files. Files are handed out in order to whichever thread is free, a few files ahead of
 * the one being consumed; their batches come back in file order whatever the timing, so the scan's output does not
 * depend on which thread was faster. A thread that has posted `maxUnacked` batches of a large file waits until the
 * main thread takes them, so a slow consumer never lets batches pile up in memory.
 *
 * Threads start without the TypeScript loader the main thread runs under. Loading tsx in each thread costs about a
 * second and 30 MB per thread, so the worker (`worker.ts` and what it imports) is bundled once per process with
 * esbuild (which tsx itself runs on) into plain JavaScript, in about 0.1 s; if esbuild cannot be loaded, threads
 * fall back to registering tsx (`worker-entry.mjs`).
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { InputFile } from './inputs';
import type { InputRef } from './read';
import type { SourceBatch } from './types';

export interface WorkerConfig {
  readonly ruleIds: readonly string[];
  readonly ignoreThresholds: boolean;
  readonly since?: number;
  readonly until?: number;
  readonly maxUnacked: number;
}

export type ToWorker = { type: 'read'; index: number; input: InputRef } | { type: 'ack' };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'batch'; index: number; batch: SourceBatch }
  | { type: 'failed'; index: number; message: string };

interface Slot {
  worker: Worker;
  /** Index of the file it is reading. */
  busy: number | undefined;
}

interface Pending {
  readonly batches: SourceBatch[];
  done: boolean;
  slot: Slot | undefined;
}

const ENTRY = new URL('./worker-entry.mjs', import.meta.url);
/**
 * A small young generation keeps each thread's heap (and the process's resident memory) down: a parsed log file is
 * garbage as soon as its batch is posted. The old-generation cap is a backstop; a whole-file parse (at most
 * `WHOLE_INPUT_LIMIT` of text) needs well under it. A thread that still runs out fails its file, not the scan.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 128 };
const WORKER_SOURCE = fileURLToPath(new URL('./worker.ts', import.meta.url));

let bundled: Promise<string | undefined> | undefined;

/** The worker as one CommonJS script, or `undefined` when esbuild is not available. */
function workerBundle(): Promise<string | undefined> {
  bundled ??= (async () => {
    try {
      const esbuild = await import('esbuild');
      const result = await esbuild.build({
        entryPoints: [WORKER_SOURCE],
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        write: false,
        logLevel: 'silent',
      });
      return result.outputFiles[0]?.text;
    } catch {
      return undefined;
    }
  })();
  return bundled;
}

function crashBatch(file: string, message: string): SourceBatch {
  return {
    records: 0,
    outsideRange: 0,
    problemCounts: { unreadable: 1 },
    bytes: 0,
    chars: 0,
    minTime: undefined,
    maxTime: undefined,
    candidates: [],
    problems: [{ kind: 'unreadable', file, message: `parser thread failed: ${message}` }],
    final: true,
  };
}

export class ParserPool {
  private readonly slots: Slot[] = [];
  private files: readonly InputFile[] = [];
  private readonly pending = new Map<number, Pending>();
  private next = 0;
  private cursor = 0;
  private wake: (() => void) | undefined;
  private closed = false;

  private constructor(
    readonly size: number,
    private readonly config: WorkerConfig,
    private readonly bundle: string | undefined,
    private readonly lookahead = Math.max(4, size * 4),
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  /** Starts `size` parser threads (`bundled: false` forces the tsx fallback). */
  static async start(
    size: number,
    config: WorkerConfig,
    options: { bundled?: boolean } = {},
  ): Promise<ParserPool> {
    return new ParserPool(size, config, options.bundled === false ? undefined : await workerBundle());
  }

  /** Every file's batches, in file order. */
  async *read(files: readonly InputFile[]): AsyncGenerator<{ file: InputFile; batch: SourceBatch }> {
    this.files = files;
    this.dispatch();
    while (this.cursor < files.length) {
      const pending = this.pending.get(this.cursor);
      const batch = pending?.batches.shift();
      if (pending !== undefined && batch !== undefined) {
        if (!batch.final) pending.slot?.worker.postMessage({ type: 'ack' } satisfies ToWorker);
        yield { file: files[this.cursor] as InputFile, batch };
        continue;
      }
      if (pending?.done) {
        this.pending.delete(this.cursor);
        this.cursor++;
        this.dispatch();
        continue;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private spawn(): Slot {
    const worker =
      this.bundle === undefined
        ? new Worker(ENTRY, { workerData: this.config, resourceLimits: WORKER_LIMITS })
        : new Worker(this.bundle, { eval: true, workerData: this.config, resourceLimits: WORKER_LIMITS });
    const slot: Slot = { worker, busy: undefined };
    worker.on('message', (message: FromWorker) => this.receive(slot, message));
    const fail = (why: string) => {
      if (this.closed) return;
      const index = slot.busy;
      const at = this.slots.indexOf(slot);
      if (at >= 0) this.slots[at] = this.spawn();
      if (index !== undefined) this.finish(index, crashBatch(this.files[index]?.display ?? '?', why));
      this.dispatch();
    };
    worker.on('error', (error) => fail(error.message));
    worker.on('exit', (code) => {
      if (this.slots.includes(slot)) fail(`exited with code ${code}`);
    });
    return slot;
  }

  private receive(slot: Slot, message: FromWorker): void {
    if (message.type === 'ready') return;
    if (message.type === 'failed') {
      this.finish(message.index, crashBatch(this.files[message.index]?.display ?? '?', message.message));
      slot.busy = undefined;
      this.dispatch();
      return;
    }
    const pending = this.pending.get(message.index);
    if (pending === undefined) return;
    pending.batches.push(message.batch);
    if (message.batch.final) {
      pending.done = true;
      pending.slot = undefined;
      slot.busy = undefined;
      this.dispatch();
    }
    this.notify();
  }

  private finish(index: number, batch: SourceBatch): void {
    const pending = this.pending.get(index);
    if (pending === undefined || pending.done) return;
    pending.batches.push(batch);
    pending.done = true;
    pending.slot = undefined;
    this.notify();
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.busy !== undefined) continue;
      if (this.next >= this.files.length || this.next >= this.cursor + this.lookahead) return;
      const index = this.next++;
      const file = this.files[index] as InputFile;
      slot.busy = index;
      this.pending.set(index, { batches: [], done: false, slot });
      const input: InputRef = { path: file.path, display: file.display, walked: file.walked };
      slot.worker.postMessage({ type: 'read', index, input } satisfies ToWorker);
    }
  }
}
