import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { deliveryPatterns } from '../engine/pattern/compile';
import { matchesPattern } from '../engine/pattern/match';
import type { CloudTrailRecord, EventPattern, Rule } from '../engine/types';
import { POLLED_MESSAGE_ATTRIBUTE } from '../shared/contract';

/** SQS: at most 10 entries and 256 KiB (bodies and attributes together) per SendMessageBatch. */
const MAX_ENTRIES = 10;
export const MAX_BATCH_BYTES = 256 * 1024;
const MAX_ATTEMPTS = 3;

/** Some records could not be sent after retries: the page is not checkpointed and is read again next run. */
export class ForwardError extends Error {
  override readonly name = 'ForwardError';
}

/**
 * The events the analyzer needs: those matching a detection's delivery pattern, exactly what the generated
 * EventBridge rules let through on the other path (same patterns, same matcher). The rest would only cost a
 * message and an invocation each.
 */
export function deliveryFilter(rules: readonly Rule[]): (record: CloudTrailRecord) => boolean {
  const patterns: EventPattern[] = deliveryPatterns(rules).map((entry) => entry.match);
  return (record) => patterns.some((pattern) => matchesPattern(pattern, record));
}

export interface ForwardResult {
  readonly sent: number;
  /** Records larger than an SQS message can hold (logged and skipped by the caller). */
  readonly oversized: readonly CloudTrailRecord[];
}

/**
 * Sends bare CloudTrail records to the analyzer queue, each marked with the `POLLED_MESSAGE_ATTRIBUTE` attribute
 * so the analyzer can tell them from EventBridge deliveries. Retries only the entries that failed.
 */
export async function forwardRecords(
  sqs: SQSClient,
  queueUrl: string,
  records: readonly CloudTrailRecord[],
): Promise<ForwardResult> {
  const attribute = {
    [POLLED_MESSAGE_ATTRIBUTE.name]: { DataType: 'String', StringValue: POLLED_MESSAGE_ATTRIBUTE.value },
  };
  const attributeBytes =
    Buffer.byteLength(POLLED_MESSAGE_ATTRIBUTE.name) +
    'String'.length +
    Buffer.byteLength(POLLED_MESSAGE_ATTRIBUTE.value);
  const oversized: CloudTrailRecord[] = [];
  const batches: SendMessageBatchRequestEntry[][] = [];
  let batch: SendMessageBatchRequestEntry[] = [];
  let batchBytes = 0;
  for (const record of records) {
    const body = JSON.stringify(record);
    const bytes = Buffer.byteLength(body) + attributeBytes;
    if (bytes > MAX_BATCH_BYTES) {
      oversized.push(record);
      continue;
    }
    if (batch.length === MAX_ENTRIES || batchBytes + bytes > MAX_BATCH_BYTES) {
      batches.push(batch);
      batch = [];
      batchBytes = 0;
    }
    batch.push({ Id: String(batch.length), MessageBody: body, MessageAttributes: attribute });
    batchBytes += bytes;
  }
  if (batch.length > 0) batches.push(batch);

  let sent = 0;
  for (const entries of batches) {
    let pending = entries;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const out = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending }));
      sent += out.Successful?.length ?? 0;
      const failedIds = new Set((out.Failed ?? []).map((f) => f.Id));
      const failed = pending.filter((entry) => failedIds.has(entry.Id));
      if (failed.length > 0 && attempt >= MAX_ATTEMPTS) {
        const first = out.Failed?.[0];
        throw new ForwardError(
          `${failed.length} record(s) could not be sent to the analyzer queue after ${MAX_ATTEMPTS} attempts` +
            (first ? ` (first: ${first.Code}: ${first.Message ?? 'no message'})` : ''),
        );
      }
      pending = failed;
    }
  }
  return { sent, oversized };
}
