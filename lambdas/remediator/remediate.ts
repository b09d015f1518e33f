import { randomUUID } from 'node:crypto';
import type { IAMClient } from '@aws-sdk/client-iam';
import {
  type AuditFindingSnapshot,
  type AuditRecord,
  type AuditStatus,
  type DynamoDbAuditStore,
  stepKeyFor,
} from '../adapters/dynamodb-audit';
import type { ConfigSource } from '../config/config-source';
import { effectiveMode } from '../config/runtime-config';
import type { ActionId, Finding, RemediationStep, RuleMode } from '../engine/types';
import {
  OUTCOME_SCHEMA_VERSION,
  type RemediationOutcome,
  STEP_STATUSES,
  type StepOutcome,
  type StepStatus,
} from '../findings/outcome';
import { undoCommand } from '../findings/undo-commands';
import type { Log } from '../shared/log';
import {
  type ActionContext,
  classifyAwsError,
  InvalidActionParamsError,
  PermanentActionError,
  type RemediationAction,
} from './actions/types';
import type { CircuitBreaker } from './circuit-breaker';
import { checkProtection, implicitProtectedPatterns, type PrincipalRef } from './protection';

export interface RemediatorDeps {
  readonly config: ConfigSource;
  readonly audit: Pick<DynamoDbAuditStore, 'begin' | 'claim' | 'releaseClaim' | 'finish'>;
  readonly actions: Readonly<Record<ActionId, RemediationAction<unknown>>>;
  readonly context: ActionContext;
  readonly iam: IAMClient;
  /** The blast-radius limit (actions per account per rolling hour). */
  readonly circuit: CircuitBreaker;
  readonly stackName?: string;
  /** The audit table's name, printed in `trailguard undo` commands. */
  readonly auditTable?: string;
  /** Who acts, recorded in the audit trail (the remediator's function or role). */
  readonly actor: string;
  readonly publishOutcome: (outcome: RemediationOutcome) => Promise<void>;
  readonly log: Log;
  readonly now?: () => Date;
  /**
   * How long one delivery holds a step it is deciding; longer than the function timeout, shorter than the queue's
   * visibility timeout. @default 180
   */
  readonly leaseSeconds?: number;
}

/** A step could not complete for a reason that may pass (throttling, outage): the message is retried. */
export class TransientRemediationError extends Error {
  override readonly name = 'TransientRemediationError';
}

/** Statuses after which a step is never run again (idempotency under duplicate delivery). */
const FINAL: ReadonlySet<AuditStatus> = new Set<AuditStatus>([...STEP_STATUSES, 'undone']);

/**
 * Runs a finding's remediation plan under the current mode, kill switch and protected list, recording every
 * decision. Steps already decided (by an earlier delivery of the same finding) are not run again. A transient
 * failure leaves its step open and throws, so the message is retried and finally dead-lettered with the finding.
 */
export async function remediateFinding(
  finding: Finding,
  deps: RemediatorDeps,
): Promise<RemediationOutcome | undefined> {
  if (finding.remediation.length === 0) return undefined;
  const config = await deps.config.get();
  const settings = config.rules.get(finding.ruleId);
  const configured: RuleMode = settings?.configuredMode ?? finding.mode;
  const mode = settings?.mode ?? effectiveMode(finding.mode, config.killSwitch);
  const guard: Guardrails = {
    mode,
    configured,
    patterns: [...implicitProtectedPatterns(deps.stackName), ...config.protectedPrincipals],
    enabledActions: config.remediation.enabledActions,
    maxActionsPerHour: config.remediation.maxActionsPerHour,
  };
  const outcomes: StepOutcome[] = [];
  // This delivery, for step claims: a duplicate delivered at the same time must not act too.
  const delivery = randomUUID();

  for (const [index, step] of finding.remediation.entries()) {
    const stepKey = stepKeyFor(index);
    const begun = await deps.audit.begin({
      findingId: finding.id,
      finding: snapshot(finding),
      stepKey,
      stepIndex: index,
      ruleId: finding.ruleId,
      actionId: step.action,
      params: { ...step.params },
      mode,
      actor: deps.actor,
    });
    if (begun.kind === 'existing' && FINAL.has(begun.record.status)) {
      outcomes.push(fromRecord(begun.record, step));
      continue;
    }
    if (!(await deps.audit.claim(finding.id, stepKey, delivery, deps.leaseSeconds ?? 180))) {
      throw new TransientRemediationError(
        `step ${stepKey} of finding ${finding.id} is being decided by another delivery; retrying later`,
      );
    }
    let decided: Decision;
    try {
      decided = await decide(step, guard, deps);
    } catch (error) {
      await deps.audit.releaseClaim(finding.id, stepKey, delivery).catch((releaseError: unknown) =>
        deps.log.warn('could not release a step claim; the retry waits for the lease', {
          findingId: finding.id,
          stepKey,
          reason: releaseError instanceof Error ? releaseError.message : String(releaseError),
        }),
      );
      throw error;
    }
    // Known only now: some undo commands depend on the recorded before-state (e.g. the flags a bucket had).
    const undo =
      decided.status === 'succeeded'
        ? undoCommand(step, deps.context.quarantinePolicyArn, {
            before: decided.before,
            ref: { findingId: finding.id, stepKey, auditTable: deps.auditTable },
          })
        : undefined;
    const record = await deps.audit.finish(finding.id, stepKey, {
      status: decided.status,
      reason: decided.reason,
      before: decided.before,
      after: decided.after,
      undoCommand: undo,
    });
    deps.log.info('remediation step decided', {
      findingId: finding.id,
      ruleId: finding.ruleId,
      action: step.action,
      status: record.status,
    });
    outcomes.push(fromRecord(record, step));
  }

  const outcome: RemediationOutcome = {
    schemaVersion: OUTCOME_SCHEMA_VERSION,
    id: `${finding.id}:outcome`,
    findingId: finding.id,
    ruleId: finding.ruleId,
    title: finding.title,
    severity: finding.severity,
    summary: finding.summary,
    principal: finding.principal,
    account: finding.account,
    region: finding.region,
    eventTime: finding.eventTime,
    mode,
    steps: outcomes,
    decidedAt: (deps.now ?? (() => new Date()))().toISOString(),
  };
  await deps.publishOutcome(outcome);
  return outcome;
}

/** The finding, as much of it as the audit trail needs to be read without the event: bounded in size. */
function snapshot(finding: Finding): AuditFindingSnapshot {
  return {
    title: finding.title.slice(0, 256),
    severity: finding.severity,
    summary: finding.summary.slice(0, 1000),
    eventIds: finding.eventIds.slice(0, 10),
    eventTime: finding.eventTime,
    // No undefined members: the document client rejects them inside maps.
    ...(finding.principal.arn === undefined ? {} : { principalArn: finding.principal.arn.slice(0, 2048) }),
  };
}

interface Decision {
  readonly status: StepStatus;
  readonly reason?: string;
  readonly before?: Record<string, unknown>;
  readonly after?: Record<string, unknown>;
}

/** What every step of a finding is decided under, read once per finding. */
interface Guardrails {
  /** The mode in force (kill switch applied) and the one configured for the rule. */
  readonly mode: RuleMode;
  readonly configured: RuleMode;
  readonly patterns: readonly string[];
  readonly enabledActions: ReadonlyMap<ActionId, boolean>;
  readonly maxActionsPerHour: number;
}

/**
 * One step, through every guardrail in order: mode and kill switch, the action's own switch, valid params,
 * protection (in code here; the IAM policy denies it again), dry-run, and the blast-radius limit. Only then does
 * the action run.
 */
async function decide(step: RemediationStep, guard: Guardrails, deps: RemediatorDeps): Promise<Decision> {
  const { mode, configured } = guard;
  if (mode === 'off' || mode === 'alert') {
    return configured !== mode
      ? { status: 'skipped-kill-switch', reason: `kill switch is on (rule configured as ${configured})` }
      : { status: 'skipped-mode', reason: `rule mode is ${mode}` };
  }
  if (guard.enabledActions.get(step.action) === false) {
    return {
      status: 'skipped-mode',
      reason: `action ${step.action} is switched off (remediation/actions/${step.action}/enabled is off)`,
    };
  }
  const action = deps.actions[step.action];
  let params: unknown;
  try {
    params = action.parseParams(step.params);
  } catch (error) {
    if (error instanceof InvalidActionParamsError) return { status: 'failed', reason: error.message };
    throw error;
  }
  const target = action.target(params, deps.context);
  if (target.principalType && target.principalName) {
    const principal: PrincipalRef = {
      type: target.principalType,
      name: target.principalName,
      arn: target.principalArn ?? '',
    };
    const verdict = await checkProtection(deps.iam, principal, guard.patterns);
    if (verdict.protected) return { status: 'skipped-protected', reason: verdict.reason };
  }
  if (mode === 'dry-run') return { status: 'dry-run', reason: `would: ${target.description}` };
  const slot = await deps.circuit.reserve(deps.context.accountId, guard.maxActionsPerHour);
  if (!slot.allowed) {
    deps.log.warn('remediation circuit open', {
      action: step.action,
      count: slot.count,
      limit: slot.limit,
    });
    return {
      status: 'skipped-circuit-open',
      reason:
        `circuit open: ${slot.count} actions in the last hour reached the limit of ${slot.limit} ` +
        `(remediation/max-actions-per-hour); would: ${target.description}`,
      after: { wouldAct: target.description, actionsInLastHour: slot.count, limit: slot.limit },
    };
  }
  try {
    const result = await action.execute(params, deps.context);
    // Nothing changed: the slot is given back, the limit counts changes only.
    if (result.status === 'already-applied') await slot.release();
    return {
      status: result.status === 'applied' ? 'succeeded' : 'already-applied',
      reason: result.message,
      before: result.before,
      after: result.after,
    };
  } catch (error) {
    if (error instanceof PermanentActionError || classifyAwsError(error) === 'permanent') {
      await slot.release();
      return { status: 'failed', reason: `${(error as Error).name}: ${(error as Error).message}` };
    }
    // The write may have happened before the failure: the slot stays taken (over-counting only opens the circuit
    // early; under-counting could exceed the limit).
    throw new TransientRemediationError(
      `${step.action} failed transiently; will retry: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

function fromRecord(record: AuditRecord, step: RemediationStep): StepOutcome {
  const status = record.status === 'in-progress' || record.status === 'undone' ? 'failed' : record.status;
  return {
    index: record.stepIndex,
    action: step.action,
    description: step.description,
    status,
    reason: record.status === 'undone' ? 'undone by an operator' : record.reason,
    undoCommand: status === 'succeeded' ? record.undoCommand : undefined,
  };
}
