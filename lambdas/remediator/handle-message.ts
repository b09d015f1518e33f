import { parseBusMessage } from '../findings/bus-message';
import type { RemediationOutcome } from '../findings/outcome';
import { type RemediatorDeps, remediateFinding } from './remediate';

/** One message from the remediator queue: a finding to act on (outcomes are not routed here, but ignored if seen). */
export async function handleRemediatorMessage(
  body: string,
  messageId: string,
  deps: RemediatorDeps,
): Promise<RemediationOutcome | undefined> {
  const message = parseBusMessage(body, `message ${messageId}`);
  if (message.type !== 'finding') return undefined;
  return remediateFinding(message.finding, deps);
}
