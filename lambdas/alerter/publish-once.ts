import { PublishCommand, type PublishCommandInput, type SNSClient } from '@aws-sdk/client-sns';
import type { StateStore } from '../engine/types';
import type { Log } from '../shared/log';

/** Another delivery of the same alert is being published right now; retried after the visibility timeout. */
export class AlertInFlightError extends Error {
  override readonly name = 'AlertInFlightError';
}

/** Shorter than the alerter queue's visibility timeout, so a retry after a crash can take the claim again. */
export const CLAIM_TTL_SECONDS = 120;
/** How long a sent message is remembered for dedupe. */
export const SENT_TTL_SECONDS = 7 * 24 * 3600;

export interface PublishOnceDeps {
  readonly sns: SNSClient;
  readonly state: StateStore;
  readonly log: Log;
  readonly sentTtlSeconds?: number;
}

/**
 * Publishes at most once per `channel` (one per topic: `alert`, `escalation`) and document key (`finding#<id>`).
 * A "sent" mark is written only after SNS accepted the message; a short claim keeps two concurrent deliveries from
 * both publishing. A crash between publish and mark can repeat a message (at least once), never lose one; a failed
 * publish releases the claim and throws, so the message is retried and finally dead-lettered.
 */
export async function publishOnce(
  channel: string,
  documentKey: string,
  build: () => PublishCommandInput,
  deps: PublishOnceDeps,
): Promise<'published' | 'duplicate'> {
  const sentKey = `${channel}-sent#${documentKey}`;
  const claimKey = `${channel}-claim#${documentKey}`;
  if (await deps.state.has(sentKey)) {
    deps.log.debug('already sent; skipping duplicate delivery', { channel, documentKey });
    return 'duplicate';
  }
  if (!(await deps.state.putIfAbsent(claimKey, CLAIM_TTL_SECONDS))) {
    throw new AlertInFlightError(
      `${channel} ${documentKey} is being published by another delivery; retrying later`,
    );
  }
  try {
    await deps.sns.send(new PublishCommand(build()));
  } catch (error) {
    await deps.state.delete(claimKey);
    throw error;
  }
  await deps.state.putIfAbsent(sentKey, deps.sentTtlSeconds ?? SENT_TTL_SECONDS);
  deps.log.info('published', { channel, documentKey });
  return 'published';
}
