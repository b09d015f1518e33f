import { SEVERITIES, type Severity } from '../engine/types';
import type { BusMessage } from '../findings/bus-message';
import { outcomeVerdict } from '../findings/outcome';

export type EscalationReason = 'severity' | 'remediation-failed' | 'circuit-open';

/** Position in `SEVERITIES` (info 0 … critical 4). */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/**
 * Why a message also goes to the escalation topic, or undefined. Findings escalate by severity; outcomes escalate
 * when a person must act: a step failed, or the remediator stopped acting (circuit open). Any step status that
 * names the circuit counts, so a new circuit status escalates without a change here.
 */
export function escalationReason(message: BusMessage, minSeverity: Severity): EscalationReason | undefined {
  if (message.type === 'finding') {
    return severityRank(message.finding.severity) >= severityRank(minSeverity) ? 'severity' : undefined;
  }
  const verdict: string = outcomeVerdict(message.outcome);
  const statuses: readonly string[] = message.outcome.steps.map((s) => s.status);
  if (verdict === 'circuit-open' || statuses.some((s) => s.includes('circuit'))) return 'circuit-open';
  if (verdict === 'failed' || statuses.includes('failed')) return 'remediation-failed';
  return undefined;
}
