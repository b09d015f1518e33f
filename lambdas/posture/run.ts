import { configProblemFinding } from '../config/problem-finding';
import type { Finding } from '../engine/types';
import type { Log } from '../shared/log';
import type { Assessment } from './assess';
import { renderHtml } from './render';
import type { PostureReport } from './report';

export interface ScheduledPostureDeps {
  readonly assess: () => Promise<Assessment>;
  /** Puts findings on the findings bus. */
  readonly publish: (findings: readonly Finding[]) => Promise<void>;
  /** Stores the report; returns where. */
  readonly store: (report: PostureReport, html: string) => Promise<string>;
  /** Sends the summary email. */
  readonly notify: (report: PostureReport, location: string) => Promise<void>;
  readonly log: Log;
  readonly now?: () => Date;
}

/**
 * The daily run: assess, keep the report (S3), raise a finding per violation (findings bus: alerted and remediated
 * by the same machinery and guardrails as detections), then send the summary. The report is stored first so an
 * audit trail exists even if publishing fails; a failure throws, and Lambda retries the whole run (finding ids are
 * deterministic, so a retry never alerts or acts twice).
 */
export async function runScheduledPosture(deps: ScheduledPostureDeps): Promise<PostureReport> {
  const assessment = await deps.assess();
  const { report } = assessment;
  const location = await deps.store(report, renderHtml(report));
  const now = (deps.now ?? (() => new Date()))();
  const findings: Finding[] = [
    ...assessment.configProblems.map((problem) => configProblemFinding(problem, report.account, now)),
    ...assessment.findings.map((f) => f.finding),
  ];
  for (const problem of assessment.configProblems) {
    deps.log.warn('posture configuration value rejected; using the previous valid value or the default', {
      ...problem,
    });
  }
  if (findings.length > 0) await deps.publish(findings);
  await deps.notify(report, location);
  deps.log.info('posture assessed', {
    account: report.account,
    location,
    ...report.summary,
    findings: assessment.findings.length,
  });
  return report;
}
