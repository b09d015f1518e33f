import { parseArgs } from 'node:util';
import { type AuditRecord, AuditStepNotUndoableError } from '../../lambdas/adapters/dynamodb-audit';
import { type ActionContext, getAction } from '../../lambdas/remediator/actions';
import { cleanText } from '../../lambdas/shared/text';
import { type Command, UsageError } from '../types';
import { AWS_OPTIONS, AWS_USAGE, type CliAws, cliAws } from './remediations-aws';

/** `<finding id>` or `<finding id>/step-NNN`; finding ids are `[A-Za-z0-9:_-]{1,128}` (see the finding schema). */
const REF = /^([A-Za-z0-9:_-]{1,128})(?:\/(step-\d{3}))?$/;

type StepResult = 'undone' | 'already-undone' | 'refused' | 'failed';

/**
 * Reverses one recorded step with the operator's credentials, from its recorded params and before-state, and
 * records who undid it and when. Only `succeeded` steps are undone (nothing else changed anything); undoing is
 * idempotent: an undone step is reported, not reversed twice.
 */
async function undoStep(
  record: AuditRecord,
  aws: CliAws,
  ctx: ActionContext,
  by: string,
  options: { stopLogging: boolean },
  out: (text: string) => void,
): Promise<StepResult> {
  const label = `${record.findingId}/${record.stepKey} ${record.actionId}`;
  if (record.status === 'undone') {
    out(`${label}: already undone by ${record.undo?.by ?? 'unknown'} at ${record.undo?.at ?? 'unknown'}`);
    return 'already-undone';
  }
  if (record.status !== 'succeeded') {
    out(`${label}: not undone: its status is ${record.status}, so it changed nothing`);
    return 'refused';
  }
  if (record.actionId === 'cloudtrail.start-logging' && !options.stopLogging) {
    out(
      `${label}: not undone: it restarted CloudTrail logging; stopping it again blinds detection, so pass ` +
        '--stop-logging to confirm',
    );
    return 'refused';
  }
  try {
    const action = getAction(record.actionId);
    const params = action.parseParams(record.params);
    const result = await action.undo(params, record.before ?? {}, ctx, record.after ?? {});
    try {
      await aws.audit.markUndone(record.findingId, record.stepKey, {
        by,
        message: result.message,
        before: result.before,
        after: result.after,
      });
    } catch (error) {
      if (error instanceof AuditStepNotUndoableError && error.record?.status === 'undone') {
        out(`${label}: already undone by ${error.record.undo?.by ?? 'unknown'} (concurrently)`);
        return 'already-undone';
      }
      throw error;
    }
    out(`${label}: undone: ${cleanText(result.message, 300)}`);
    return 'undone';
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    await aws.audit
      .recordUndoFailure(record.findingId, record.stepKey, { by, reason })
      .catch(() => undefined);
    out(`${label}: FAILED: ${cleanText(reason, 600)}`);
    return 'failed';
  }
}

/** `trailguard undo`: reverses what TrailGuard did for a finding, or for one step of it. */
export const undo: Command = {
  usage:
    'trailguard undo <finding-id>[/step-NNN] [--stop-logging] [--quarantine-policy-arn ARN] [--table NAME]\n' +
    '                [--region REGION] [--profile NAME] [--endpoint-url URL]\n' +
    '  Steps are undone last first, with your credentials. Only steps that succeeded are undone; an undone step\n' +
    '  is reported, not undone twice. Exit code 0 when every selected step is undone (now or before), 1 otherwise.\n' +
    '  --stop-logging       also undo restarting CloudTrail logging (stops the trail again)\n' +
    '  --quarantine-policy-arn ARN  the quarantine policy, for audit records that do not name it\n' +
    AWS_USAGE,
  async run({ args, out, err }) {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: {
        ...AWS_OPTIONS,
        'stop-logging': { type: 'boolean', default: false },
        'quarantine-policy-arn': { type: 'string' },
      },
      allowPositionals: true,
    });
    if (positionals.length !== 1) {
      throw new UsageError('give exactly one finding id, or <finding-id>/step-NNN for one step');
    }
    const ref = REF.exec(positionals[0] ?? '');
    if (ref === null) {
      throw new UsageError(
        `"${(positionals[0] ?? '').slice(0, 80)}" is not a finding id or <finding-id>/step-NNN`,
      );
    }
    const [, findingId = '', stepKey] = ref;
    const aws = cliAws(values);
    try {
      const records = (await aws.audit.get(findingId)).filter(
        (r) => stepKey === undefined || r.stepKey === stepKey,
      );
      if (records.length === 0) {
        err(`no remediation recorded for ${positionals[0]} in table ${aws.tableName}`);
        return 1;
      }
      const me = await aws.whoAmI();
      const ctx: ActionContext = {
        clients: aws.clients,
        quarantinePolicyArn: values['quarantine-policy-arn'] ?? '',
        accountId: me.accountId,
        partition: me.partition,
      };
      // Last step first: later steps may rely on earlier ones (disable the key, then lift the quarantine).
      const ordered = [...records].sort((a, b) => b.stepIndex - a.stepIndex);
      const results: StepResult[] = [];
      for (const record of ordered) {
        results.push(await undoStep(record, aws, ctx, me.arn, { stopLogging: values['stop-logging'] }, out));
      }
      // Undoing a whole finding passes over steps that changed nothing; asking for such a step by name fails.
      const changedSomething = (r: AuditRecord) => r.status === 'succeeded' || r.status === 'undone';
      const relevant = results.filter(
        (_, i) => stepKey !== undefined || changedSomething(ordered[i] as AuditRecord),
      );
      if (relevant.length === 0) err(`nothing to undo: no step of ${findingId} changed anything`);
      return relevant.length > 0 && relevant.every((r) => r === 'undone' || r === 'already-undone') ? 0 : 1;
    } finally {
      aws.destroy();
    }
  },
};
