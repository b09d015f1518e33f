import { parseArgs } from 'node:util';
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { type Command, UsageError } from '../types';
import { clientConfig, OPS_AWS_OPTIONS, OPS_AWS_USAGE } from './ops-aws';

const USAGE = `trailguard redrive <dead-letter-queue> [--to <queue>] [--max N] [options]

Moves the messages of a dead-letter queue back to the queue they failed from, for reprocessing after a fix. Each
message is deleted from the dead-letter queue only after it was sent, so an interrupted redrive loses nothing (at
worst a batch is sent twice, which TrailGuard's idempotent consumers absorb). Messages that arrive during the
redrive are left for the next one. Queues are named by URL or by name (e.g. the stack output AnalyzerDlqUrl).

options:
  --to <queue>         where to send them (default: the one queue whose redrive policy names this dead-letter queue)
  --max N              move at most N messages (default: those in the queue when the redrive starts)
${OPS_AWS_USAGE}

exit codes: 0 every message received was moved; 1 some could not be moved (they stay in the dead-letter queue);
2 usage error.`;

/** A receive takes at most 10 messages; they stay invisible to others for this long while being moved. */
const BATCH = 10;
const VISIBILITY_SECONDS = 60;

async function queueUrl(sqs: SQSClient, queue: string): Promise<string> {
  if (/^https?:\/\//.test(queue)) return queue;
  if (!/^[A-Za-z0-9_-]{1,80}(\.fifo)?$/.test(queue)) {
    throw new UsageError(`"${queue.slice(0, 100)}" is neither a queue URL nor a queue name`);
  }
  const out = await sqs.send(new GetQueueUrlCommand({ QueueName: queue }));
  if (!out.QueueUrl) throw new Error(`queue ${queue} has no URL`);
  return out.QueueUrl;
}

async function sourceOf(sqs: SQSClient, deadLetterUrl: string): Promise<string> {
  const sources: string[] = [];
  let token: string | undefined;
  do {
    const out = await sqs.send(
      new ListDeadLetterSourceQueuesCommand({ QueueUrl: deadLetterUrl, NextToken: token }),
    );
    sources.push(...(out.queueUrls ?? []));
    token = out.NextToken;
  } while (token);
  if (sources.length === 1) return sources[0] as string;
  if (sources.length === 0) {
    throw new UsageError(
      `no queue names ${deadLetterUrl} as its dead-letter queue (the poller's dead-letter queue has none); pass --to`,
    );
  }
  throw new UsageError(
    `several queues use ${deadLetterUrl} as dead-letter queue; pass --to one of: ${sources.join(', ')}`,
  );
}

export interface RedriveResult {
  readonly moved: number;
  readonly failed: number;
}

/** Moves up to `max` messages from `from` to `to`, deleting each from `from` only once it was sent. */
export async function redrive(sqs: SQSClient, from: string, to: string, max: number): Promise<RedriveResult> {
  let moved = 0;
  let failed = 0;
  while (moved + failed < max) {
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: from,
        MaxNumberOfMessages: Math.min(BATCH, max - moved - failed),
        VisibilityTimeout: VISIBILITY_SECONDS,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
      }),
    );
    const messages: Message[] = received.Messages ?? [];
    if (messages.length === 0) break;
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: to,
        Entries: messages.map((m, i) => ({
          Id: String(i),
          MessageBody: m.Body ?? '',
          MessageAttributes: m.MessageAttributes,
        })),
      }),
    );
    const ok = new Set((sent.Successful ?? []).map((s) => s.Id));
    const done = messages.filter((_, i) => ok.has(String(i)));
    failed += messages.length - done.length;
    if (done.length === 0) continue;
    const deleted = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: from,
        Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
    // Sent but not deleted: it is back in the dead-letter queue after the visibility timeout, and in the target too.
    const notDeleted = deleted.Failed?.length ?? 0;
    moved += done.length - notDeleted;
    failed += notDeleted;
  }
  return { moved, failed };
}

export const redriveCommand: Command = {
  usage: USAGE,
  async run({ args, out, err }) {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: { ...OPS_AWS_OPTIONS, to: { type: 'string' }, max: { type: 'string' } },
    });
    if (positionals.length !== 1) throw new UsageError('name exactly one dead-letter queue');
    if (values.max !== undefined && !/^[1-9]\d{0,8}$/.test(values.max)) {
      throw new UsageError(`--max must be a positive whole number, got "${values.max}"`);
    }
    const sqs = new SQSClient(clientConfig(values));
    try {
      const from = await queueUrl(sqs, positionals[0] as string);
      const to = values.to === undefined ? await sourceOf(sqs, from) : await queueUrl(sqs, values.to);
      if (to === from) throw new UsageError('--to names the dead-letter queue itself');
      if (/\.fifo$/.test(from) || /\.fifo$/.test(to)) {
        throw new UsageError('FIFO queues are not supported (TrailGuard uses standard queues)');
      }
      let max: number;
      if (values.max !== undefined) max = Number(values.max);
      else {
        const attributes = await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: from, AttributeNames: ['ApproximateNumberOfMessages'] }),
        );
        max = Number(attributes.Attributes?.ApproximateNumberOfMessages ?? '0');
      }
      const result = max > 0 ? await redrive(sqs, from, to, max) : { moved: 0, failed: 0 };
      out(`moved ${result.moved} message(s) from ${from} to ${to}`);
      if (result.failed > 0) {
        err(`${result.failed} message(s) could not be moved; they stay in the dead-letter queue (run again)`);
        return 1;
      }
      return 0;
    } finally {
      sqs.destroy();
    }
  },
};
