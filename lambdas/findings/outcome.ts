import type { ActionId, Finding, RuleMode } from '../engine/types';

/** How one remediation step ended (also the audit record status). */
export const STEP_STATUSES = [
  'succeeded',
  'already-applied',
  'dry-run',
  'skipped-protected',
  'skipped-mode',
  'skipped-kill-switch',
  'skipped-circuit-open',
  'failed',
] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export interface StepOutcome {
  readonly index: number;
  readonly action: ActionId;
  readonly description: string;
  readonly status: StepStatus;
  readonly reason?: string;
  /** Shell command that reverses the step, for steps that changed something. */
  readonly undoCommand?: string;
}

export const OUTCOME_SCHEMA_VERSION = '1.0';

/** What the remediator did about a finding; put on the findings bus as `TrailGuard Remediation Outcome`. */
export interface RemediationOutcome {
  readonly schemaVersion: typeof OUTCOME_SCHEMA_VERSION;
  /** `<findingId>:outcome` (the idempotency key for the follow-up alert). */
  readonly id: string;
  readonly findingId: string;
  readonly ruleId: string;
  readonly title: string;
  readonly severity: Finding['severity'];
  readonly summary: string;
  readonly principal: Finding['principal'];
  readonly account?: string;
  readonly region?: string;
  readonly eventTime: string;
  /** Mode in force when the remediator decided (after the kill switch). */
  readonly mode: RuleMode;
  readonly steps: readonly StepOutcome[];
  readonly decidedAt: string;
}

export type OutcomeVerdict = 'circuit-open' | 'failed' | 'acted' | 'dry-run' | 'unchanged' | 'skipped';

/**
 * The outcome's one-word verdict for message attributes and subjects. `circuit-open` comes first: the blast-radius
 * limit was reached, so TrailGuard stopped acting for the whole account and a person must take over (consumers
 * route it to escalation); `failed` next, because a step that should have run did not.
 */
export function outcomeVerdict(outcome: RemediationOutcome): OutcomeVerdict {
  if (outcome.steps.some((s) => s.status === 'skipped-circuit-open')) return 'circuit-open';
  if (outcome.steps.some((s) => s.status === 'failed')) return 'failed';
  if (outcome.steps.some((s) => s.status === 'succeeded')) return 'acted';
  if (outcome.steps.some((s) => s.status === 'dry-run')) return 'dry-run';
  // Everything was already in the desired state: nothing changed, nothing to undo.
  if (outcome.steps.some((s) => s.status === 'already-applied')) return 'unchanged';
  return 'skipped';
}
