import { findingId } from '../engine/finding';
import { FINDING_SCHEMA_VERSION, type Finding, type Principal } from '../engine/types';
import { cleanText } from '../shared/text';
import type { CheckOutcome } from './evaluate';
import { controlLabel } from './report';
import type { CheckResult, PostureSnapshot } from './types';

/** A failed result and the finding raised for it. */
export interface PostureFinding {
  readonly outcome: CheckOutcome;
  readonly result: CheckResult;
  readonly finding: Finding;
}

function principalOf(result: CheckResult, snapshot: PostureSnapshot): Principal {
  const { subject } = result;
  if (subject.kind === 'user') {
    return {
      type: 'IAMUser',
      arn: subject.arn,
      identityArn: subject.arn,
      identityType: 'user',
      identityName: subject.name,
      accessKeyId: result.accessKeyId,
      accountId: snapshot.account,
    };
  }
  if (subject.kind === 'root') {
    return {
      type: 'Root',
      arn: subject.arn,
      identityArn: subject.arn,
      identityType: 'root',
      accountId: snapshot.account,
    };
  }
  return { type: 'Account', accountId: snapshot.account };
}

function subjectLabel(result: CheckResult): string {
  const { subject } = result;
  if (subject.kind === 'user') return `IAM user ${subject.name}`;
  if (subject.kind === 'root') return 'The root user';
  return `Account ${subject.name}`;
}

/**
 * One finding per failed result of every check not `off`, in the Finding shape every consumer knows.
 *
 * The id is deterministic over the check, the account, the facts that identify the violation (user and its creation
 * time, key id, the policy value...) and the mode in force. So the daily run re-publishes an unchanged violation
 * under the same id, which the alerter and the remediator recognise: alerted once (again when the alerter's dedupe
 * mark expires, a week), decided once. A new violation, or a changed mode or kill switch, gets a new id and is
 * alerted and decided afresh.
 *
 * One exception: a violation with a remediation plan in `enforce` mode also carries the run's day in its id. In
 * enforce mode a violation seen again the next day was not fixed (the remediator's hourly limit was reached, the
 * step failed, or the principal is protected), so it is alerted and attempted again daily until it is gone or an
 * operator changes the mode; once the key is disabled the check no longer sees it.
 *
 * `eventTime` is when IAM generated the credential report the verdict rests on.
 */
export function postureFindings(
  snapshot: PostureSnapshot,
  outcomes: readonly CheckOutcome[],
  detectedAt: Date,
): PostureFinding[] {
  const out: PostureFinding[] = [];
  const eventTime = (snapshot.reportGeneratedAt ?? detectedAt).toISOString();
  const day = detectedAt.toISOString().slice(0, 10);
  for (const outcome of outcomes) {
    if (outcome.mode === 'off' || outcome.status !== 'fail') continue;
    const { check } = outcome;
    const controls = check.controls.map(controlLabel).join(', ');
    for (const result of outcome.results) {
      if (result.passed) continue;
      const finding: Finding = {
        schemaVersion: FINDING_SCHEMA_VERSION,
        id: findingId(
          'posture',
          check.id,
          snapshot.account,
          ...result.facts,
          outcome.mode,
          ...(outcome.mode === 'enforce' && (result.remediation?.length ?? 0) > 0 ? [day] : []),
        ),
        ruleId: check.id,
        title: check.title,
        severity: check.severity,
        attack: [],
        summary: cleanText(`${subjectLabel(result)}: ${result.detail}. Controls: ${controls}.`, 1024),
        eventIds: [],
        eventTime,
        principal: principalOf(result, snapshot),
        account: snapshot.account,
        evidence: [],
        mode: outcome.mode,
        remediation: [...(result.remediation ?? [])],
        runbook: `${check.runbook} (${controls})`,
        detectedAt: detectedAt.toISOString(),
        compliance: check.controls.map((c) => ({ framework: c.framework, id: c.id })),
      };
      out.push({ outcome, result, finding });
    }
  }
  return out;
}
