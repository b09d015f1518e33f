import type { Finding } from '../engine/types';
import { DETAIL_TYPE } from '../shared/contract';
import type { RemediationOutcome } from './outcome';
import { describeIssues, findingSchema, outcomeSchema } from './schema';

/** A queue message that is not a valid TrailGuard finding or outcome. Retried, then dead-lettered. */
export class InvalidBusMessageError extends Error {
  override readonly name = 'InvalidBusMessageError';
}

export type BusMessage =
  | { readonly type: 'finding'; readonly finding: Finding }
  | { readonly type: 'remediation-outcome'; readonly outcome: RemediationOutcome };

/** Parses an EventBridge event from the findings bus (as delivered to a consumer queue) and validates it. */
export function parseBusMessage(body: string, where: string): BusMessage {
  let event: { 'detail-type'?: unknown; detail?: unknown };
  try {
    event = JSON.parse(body);
  } catch (error) {
    throw new InvalidBusMessageError(`${where}: body is not JSON`, { cause: error });
  }
  const type = event?.['detail-type'];
  if (type === DETAIL_TYPE.finding) {
    const parsed = findingSchema.safeParse(event.detail);
    if (!parsed.success)
      throw new InvalidBusMessageError(`${where}: invalid finding: ${describeIssues(parsed.error)}`);
    return { type: 'finding', finding: parsed.data as unknown as Finding };
  }
  if (type === DETAIL_TYPE.remediationOutcome) {
    const parsed = outcomeSchema.safeParse(event.detail);
    if (!parsed.success)
      throw new InvalidBusMessageError(`${where}: invalid outcome: ${describeIssues(parsed.error)}`);
    return { type: 'remediation-outcome', outcome: parsed.data as unknown as RemediationOutcome };
  }
  throw new InvalidBusMessageError(
    `${where}: unexpected detail-type ${String(JSON.stringify(type)).slice(0, 80)}`,
  );
}
