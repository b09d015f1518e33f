/**
 * A parser thread: reads the files the pool hands it, one at a time, and posts their batches back. Parsing and
 * gunzip are what parallelise; the engine itself runs once, on the main thread, in event-time order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerConfig } from './pool';
import { readFileInput } from './read';
import { mayMatchFor, rulesById } from './rules';

const port = parentPort;
if (port === null) throw new Error('cli/scan/worker.ts must run in a worker thread');
const config = workerData as WorkerConfig;
const options = {
  mayMatch: mayMatchFor(rulesById(config.ruleIds), config.ignoreThresholds),
  since: config.since,
  until: config.until,
};

/** Non-final batches posted but not yet taken by the main thread: the thread pauses at `config.maxUnacked`. */
let unacked = 0;
let onAck: (() => void) | undefined;

async function read(message: Extract<ToWorker, { type: 'read' }>): Promise<void> {
  try {
    for await (const batch of readFileInput(message.input, options)) {
      port?.postMessage({ type: 'batch', index: message.index, batch } satisfies FromWorker);
      if (batch.final) return;
      unacked++;
      while (unacked >= config.maxUnacked) {
        await new Promise<void>((resolve) => {
          onAck = resolve;
        });
      }
    }
  } catch (error) {
    // readFileInput reports input problems itself; this is a bug, reported against the file so the scan goes on.
    port?.postMessage({
      type: 'failed',
      index: message.index,
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    } satisfies FromWorker);
  }
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'ack') {
    unacked--;
    const wake = onAck;
    onAck = undefined;
    wake?.();
  } else if (message.type === 'read') {
    void read(message);
  }
});
port.postMessage({ type: 'ready' } satisfies FromWorker);
