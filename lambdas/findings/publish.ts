import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { FINDING_SOURCE } from '../shared/contract';

/** Some entries could not be put on the bus after retries; the caller fails the message so it is retried. */
export class PublishError extends Error {
  override readonly name = 'PublishError';
}

/** EventBridge accepts at most 10 entries and 256 KB per PutEvents call. */
const MAX_ENTRIES = 10;
const MAX_ATTEMPTS = 3;

/**
 * Puts events on the findings bus, retrying only the entries that failed (PutEvents is not all-or-nothing).
 * `resourceOf` gives each event's `resources` (the principal ARN, for routing rules).
 */
export async function putOnBus(
  client: EventBridgeClient,
  busName: string,
  detailType: string,
  details: readonly { readonly id: string }[],
  resourcesOf: (detail: { readonly id: string }) => string[] = () => [],
): Promise<void> {
  for (let i = 0; i < details.length; i += MAX_ENTRIES) {
    let pending: PutEventsRequestEntry[] = details.slice(i, i + MAX_ENTRIES).map((detail) => ({
      EventBusName: busName,
      Source: FINDING_SOURCE,
      DetailType: detailType,
      Detail: JSON.stringify(detail),
      Resources: resourcesOf(detail),
    }));
    for (let attempt = 1; pending.length > 0; attempt++) {
      const out = await client.send(new PutEventsCommand({ Entries: pending }));
      if (!out.FailedEntryCount) break;
      const failed = pending.filter((_, index) => out.Entries?.[index]?.ErrorCode !== undefined);
      if (attempt >= MAX_ATTEMPTS) {
        const codes = [...new Set(out.Entries?.map((e) => e.ErrorCode).filter(Boolean))].join(', ');
        throw new PublishError(
          `${failed.length} event(s) not accepted by bus ${busName} after ${attempt} attempts: ${codes}`,
        );
      }
      pending = failed;
      await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
    }
  }
}
