/**
 * The posture report: what auditors keep. Pass/fail per check, per control (CIS, Security Hub) and per user, the
 * thresholds in force, and every gap (what could not be read), so a "pass" is never quietly partial.
 */
import type { ConfigProblem } from '../config/runtime-config';
import type { RuleMode, Severity } from '../engine/types';
import type { CheckOutcome, CheckStatus } from './evaluate';
import type { PostureFinding } from './findings';
import type { ControlRef, PostureSnapshot, SubjectKind } from './types';

export const POSTURE_REPORT_VERSION = '1.0';

export interface ReportViolation {
  readonly subject: { readonly kind: SubjectKind; readonly name: string; readonly arn?: string };
  readonly detail: string;
  /** The finding published for it (absent when the report was produced without findings, e.g. by the CLI). */
  readonly findingId?: string;
  /** What the remediation plan would do (runs only in `enforce`, subject to protection and the kill switch). */
  readonly plan: readonly string[];
}

export interface ReportCheck {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly controls: readonly ControlRef[];
  readonly mode: RuleMode;
  readonly configuredMode: RuleMode;
  readonly setting?: string;
  readonly status: CheckStatus;
  readonly reason?: string;
  /** Subjects evaluated (users, keys, the account). */
  readonly evaluated: number;
  readonly violations: readonly ReportViolation[];
}

export interface ReportControl {
  readonly framework: ControlRef['framework'];
  readonly id: string;
  readonly label: string;
  /** `fail` if any of its checks fails, `pass` if all pass, else `not-evaluated` (some checks off or unreadable). */
  readonly status: 'pass' | 'fail' | 'not-evaluated';
  readonly checks: readonly string[];
}

export interface ReportUser {
  readonly userName: string;
  readonly arn: string;
  readonly status: 'pass' | 'fail';
  readonly failed: readonly string[];
  readonly passed: readonly string[];
}

export interface PostureReport {
  readonly schemaVersion: typeof POSTURE_REPORT_VERSION;
  readonly account: string;
  /** The moment ages were measured against. */
  readonly evaluatedAt: string;
  readonly credentialReportGeneratedAt?: string;
  readonly killSwitch: boolean;
  readonly summary: {
    readonly checks: number;
    readonly passed: number;
    readonly failed: number;
    readonly notEvaluated: number;
    readonly off: number;
    readonly violations: number;
    readonly users: number;
    readonly usersFailing: number;
  };
  readonly checks: readonly ReportCheck[];
  readonly controls: readonly ReportControl[];
  readonly users: readonly ReportUser[];
  readonly gaps: readonly string[];
  readonly configProblems: readonly ConfigProblem[];
}

const FRAMEWORK_LABEL: Record<ControlRef['framework'], string> = {
  'cis-v3.0.0': 'CIS v3.0.0',
  'cis-v1.2.0': 'CIS v1.2.0',
  'security-hub': 'Security Hub',
};

/** `CIS v3.0.0 1.14`, `Security Hub IAM.22 (partial)` */
export function controlLabel(control: ControlRef): string {
  return `${FRAMEWORK_LABEL[control.framework]} ${control.id}${control.partial ? ' (partial)' : ''}`;
}

export interface BuildReportInput {
  readonly snapshot: PostureSnapshot;
  readonly outcomes: readonly CheckOutcome[];
  readonly findings: readonly PostureFinding[];
  readonly evaluatedAt: Date;
  readonly killSwitch: boolean;
  readonly configProblems: readonly ConfigProblem[];
}

export function buildReport(input: BuildReportInput): PostureReport {
  const { snapshot, outcomes } = input;
  const findingOf = new Map(input.findings.map((f) => [f.result, f.finding.id]));
  const checks: ReportCheck[] = outcomes.map((o) => ({
    id: o.check.id,
    title: o.check.title,
    severity: o.check.severity,
    controls: o.check.controls,
    mode: o.mode,
    configuredMode: o.configuredMode,
    setting: o.setting,
    status: o.status,
    reason: o.reason,
    evaluated: o.results.length,
    violations: o.results
      .filter((r) => !r.passed)
      .map((r) => ({
        subject: { kind: r.subject.kind, name: r.subject.name, arn: r.subject.arn },
        detail: r.detail,
        findingId: findingOf.get(r),
        plan: (r.remediation ?? []).map((step) => step.description),
      })),
  }));

  const byControl = new Map<string, { ref: ControlRef; statuses: CheckStatus[]; checks: string[] }>();
  for (const o of outcomes) {
    for (const ref of o.check.controls) {
      const key = `${ref.framework} ${ref.id}`;
      const entry = byControl.get(key) ?? { ref, statuses: [], checks: [] };
      entry.statuses.push(o.status);
      entry.checks.push(o.check.id);
      byControl.set(key, entry);
    }
  }
  const controls: ReportControl[] = [...byControl.values()]
    .sort((a, b) => compareControls(a.ref, b.ref))
    .map(({ ref, statuses, checks: ids }) => ({
      framework: ref.framework,
      id: ref.id,
      label: controlLabel({ framework: ref.framework, id: ref.id }),
      status: statuses.includes('fail')
        ? 'fail'
        : statuses.every((s) => s === 'pass')
          ? 'pass'
          : 'not-evaluated',
      checks: ids,
    }));

  const users: ReportUser[] = snapshot.users.map((row) => {
    const failed: string[] = [];
    const passed: string[] = [];
    for (const o of outcomes) {
      const mine = o.results.filter((r) => r.subject.kind === 'user' && r.subject.name === row.user);
      if (mine.length === 0) continue;
      (mine.some((r) => !r.passed) ? failed : passed).push(o.check.id);
    }
    return { userName: row.user, arn: row.arn, status: failed.length > 0 ? 'fail' : 'pass', failed, passed };
  });

  const count = (status: CheckStatus) => outcomes.filter((o) => o.status === status).length;
  return {
    schemaVersion: POSTURE_REPORT_VERSION,
    account: snapshot.account,
    evaluatedAt: input.evaluatedAt.toISOString(),
    credentialReportGeneratedAt: snapshot.reportGeneratedAt?.toISOString(),
    killSwitch: input.killSwitch,
    summary: {
      checks: outcomes.length,
      passed: count('pass'),
      failed: count('fail'),
      notEvaluated: count('not-evaluated'),
      off: count('off'),
      violations: checks.reduce((n, c) => n + c.violations.length, 0),
      users: users.length,
      usersFailing: users.filter((u) => u.status === 'fail').length,
    },
    checks,
    controls,
    users,
    gaps: [...snapshot.gaps],
    configProblems: [...input.configProblems],
  };
}

const FRAMEWORK_ORDER: ControlRef['framework'][] = ['cis-v3.0.0', 'cis-v1.2.0', 'security-hub'];

/** CIS by recommendation number (1.4 before 1.10), Security Hub by control number (IAM.3 before IAM.22). */
function compareControls(a: ControlRef, b: ControlRef): number {
  const byFramework = FRAMEWORK_ORDER.indexOf(a.framework) - FRAMEWORK_ORDER.indexOf(b.framework);
  if (byFramework !== 0) return byFramework;
  const numbers = (id: string) =>
    id
      .split(/[^0-9]+/)
      .filter(Boolean)
      .map(Number);
  const [x, y] = [numbers(a.id), numbers(b.id)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? -1) - (y[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}
