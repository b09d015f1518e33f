import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { redrive } from '../../cli/commands/redrive';
import { POLLED_MESSAGE_ATTRIBUTE } from '../../lambdas/shared/contract';
import { createQueue, drainQueue, uniqueName } from '../analyzer/support';
import { motoClientConfig } from '../support/aws';
import { runCli } from '../support/cli';

let sqs: SQSClient;
const endpoint = () => ['--endpoint-url', inject('motoEndpoint'), '--region', 'us-east-1'];

beforeAll(() => {
  sqs = new SQSClient(motoClientConfig());
});

/** A work queue whose redrive policy sends to a fresh dead-letter queue, as the stack's EncryptedQueue does. */
async function queueWithDeadLetterQueue() {
  const dlq = await createQueue(sqs, uniqueName('tg-dlq'));
  const name = uniqueName('tg-work');
  const created = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 }) },
    }),
  );
  return { dlq, work: { url: created.QueueUrl ?? '', name } };
}

async function depth(url: string): Promise<number> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(out.Attributes?.ApproximateNumberOfMessages ?? '-1');
}

describe('trailguard redrive (moto_server SQS)', () => {
  it('moves every message of a dead-letter queue back to its source queue, attributes included', async () => {
    // Prepare
    const { dlq, work } = await queueWithDeadLetterQueue();
    const bodies = Array.from({ length: 23 }, (_, i) => JSON.stringify({ eventID: `e-${i}` }));
    for (const body of bodies) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: dlq.url,
          MessageBody: body,
          MessageAttributes: {
            [POLLED_MESSAGE_ATTRIBUTE.name]: {
              DataType: 'String',
              StringValue: POLLED_MESSAGE_ATTRIBUTE.value,
            },
          },
        }),
      );
    }
    // Act
    const result = await runCli('redrive', dlq.url, ...endpoint());
    // Assess
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toBe(`moved 23 message(s) from ${dlq.url} to ${work.url}`);
    const moved = await drainQueue(sqs, work.url, { messageAttributes: true });
    expect(moved.map((m) => m.Body).sort()).toEqual([...bodies].sort());
    expect(
      moved.every((m) => m.MessageAttributes?.[POLLED_MESSAGE_ATTRIBUTE.name]?.StringValue === 'poller'),
    ).toBe(true);
    expect(await depth(dlq.url)).toBe(0);
  });

  it('finds queues by name and moves at most --max messages to --to', async () => {
    // Prepare
    const dlq = await createQueue(sqs, uniqueName('tg-lone-dlq'));
    const target = await createQueue(sqs, uniqueName('tg-target'));
    for (let i = 0; i < 5; i++)
      await sqs.send(new SendMessageCommand({ QueueUrl: dlq.url, MessageBody: `m${i}` }));
    const name = (url: string) => url.split('/').at(-1) ?? '';
    // Act
    const result = await runCli(
      'redrive',
      name(dlq.url),
      '--to',
      name(target.url),
      '--max',
      '3',
      ...endpoint(),
    );
    // Assess
    expect(result.code).toBe(0);
    expect((await drainQueue(sqs, target.url)).length).toBe(3);
    expect(await depth(dlq.url)).toBe(2);
  });

  it('does nothing and says so when the dead-letter queue is empty', async () => {
    // Prepare
    const { dlq, work } = await queueWithDeadLetterQueue();
    // Act
    const result = await runCli('redrive', dlq.url, ...endpoint());
    // Assess
    expect(result).toMatchObject({ code: 0, out: `moved 0 message(s) from ${dlq.url} to ${work.url}` });
  });

  it('moves the rest on a second run when the first stopped early', async () => {
    // Prepare
    const { dlq, work } = await queueWithDeadLetterQueue();
    for (let i = 0; i < 15; i++)
      await sqs.send(new SendMessageCommand({ QueueUrl: dlq.url, MessageBody: `m${i}` }));
    // Act: a first run stops after 10, a second run moves the rest.
    const first = await runCli('redrive', dlq.url, '--max', '10', ...endpoint());
    const second = await runCli('redrive', dlq.url, ...endpoint());
    // Assess
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(second.out).toContain('moved 5 message(s)');
    expect((await drainQueue(sqs, work.url)).map((m) => m.Body).sort()).toEqual(
      Array.from({ length: 15 }, (_, i) => `m${i}`).sort(),
    );
  });

  it('deletes a message from the dead-letter queue only after it was sent, and keeps it when the send fails', async () => {
    // Prepare: the target refuses one entry of each batch (moto cannot be made to, so the send is wrapped).
    const { dlq, work } = await queueWithDeadLetterQueue();
    for (let i = 0; i < 12; i++)
      await sqs.send(new SendMessageCommand({ QueueUrl: dlq.url, MessageBody: `m${i}` }));
    const client = new SQSClient(motoClientConfig());
    const log: string[] = [];
    const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
    client.send = (async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = command.constructor.name;
      if (name === 'SendMessageBatchCommand') {
        const entries = command.input.Entries as { Id: string; MessageBody: string }[];
        const [refused, ...rest] = entries;
        const out = (await send(new SendMessageBatchCommand({ QueueUrl: work.url, Entries: rest }))) as {
          Successful?: { Id: string }[];
        };
        log.push(`sent ${rest.map((e) => e.MessageBody).join(',')}`);
        return {
          ...out,
          Failed: refused ? [{ Id: refused.Id, Code: 'InternalError', SenderFault: false }] : [],
        };
      }
      if (name === 'DeleteMessageBatchCommand')
        log.push(`deleted ${(command.input.Entries as unknown[]).length}`);
      return send(command);
    }) as typeof client.send;
    // Act
    const result = await redrive(client, dlq.url, work.url, 12);
    // Assess
    expect(result).toEqual({ moved: 10, failed: 2 });
    for (const [i, entry] of log.entries()) {
      if (entry.startsWith('deleted')) expect(log[i - 1]).toMatch(/^sent /);
    }
    expect((await drainQueue(sqs, work.url)).length).toBe(10);
  });

  it('exits 2 and asks for --to when no queue uses the dead-letter queue, or when --to is the queue itself', async () => {
    // Prepare
    const lone = await createQueue(sqs, uniqueName('tg-orphan-dlq'));
    // Act
    const noSource = await runCli('redrive', lone.url, ...endpoint());
    const toItself = await runCli('redrive', lone.url, '--to', lone.url, ...endpoint());
    const badMax = await runCli('redrive', lone.url, '--max', '0', ...endpoint());
    // Assess
    expect(noSource.code).toBe(2);
    expect(noSource.err).toContain('pass --to');
    expect(toItself.code).toBe(2);
    expect(toItself.err).toContain('--to names the dead-letter queue itself');
    expect(badMax.code).toBe(2);
  });
});
