import type { Digest } from './documents';
import {
  accountLabel,
  duration,
  principalConsoleLink,
  type RenderedEmail,
  type RenderOptions,
  when,
  who,
} from './render';
import { clean, subjectLine } from './sanitize';

/**
 * The email for a digest: how many repeats were counted instead of emailed, when, about whom, and the first few.
 * Every value is cleaned like in the finding email (the digest is built from findings, which carry CloudTrail text).
 */
export function renderDigestEmail(digest: Digest, options: RenderOptions): RenderedEmail {
  const title = clean(digest.title, 200);
  const subject = clean(digest.subject, 300);
  const severity = digest.severity.toUpperCase();
  const between = `${utc(digest.firstEventTime)} and ${utc(digest.lastEventTime)}`;
  const lines: string[] = [
    `Repeated: ${title} (${severity})`,
    '',
    'WHAT HAPPENED',
    `  ${digest.count} more finding${digest.count === 1 ? '' : 's'} of this rule for ${subject}`,
    `  between ${between} (event times).`,
    `  Each came within ${duration(digest.windowSeconds)} of the one emailed at ${utc(digest.windowStart)}`,
    `  (finding ${clean(digest.alertedFindingId, 128)}), so it was counted, not emailed.`,
    digest.reason === 'window-closed'
      ? '  The activity went on after that window: the next finding was emailed on its own and opens a new window.'
      : '  The window has ended with no later finding so far.',
    '',
    'WHO AND WHERE',
  ];
  const rows: [string, string | undefined][] = [
    ['About', subject],
    ['Account', accountLabel(digest.account, options)],
    ['Region', digest.region],
  ];
  for (const [label, value] of rows) {
    if (value) lines.push(`  ${`${label}:`.padEnd(13)}${clean(value, 300)}`);
  }
  lines.push(
    '',
    `COUNTED FINDINGS (${digest.samples.length < digest.count ? `first ${digest.samples.length}` : 'all'})`,
  );
  for (const sample of digest.samples) {
    lines.push(`  - ${when(sample.eventTime, options.now)}`, `    ${clean(sample.summary, 300)}`);
    lines.push(`    finding ${clean(sample.findingId, 128)}`);
  }
  lines.push(
    '',
    'WHAT TO DO',
    '  Treat these as one incident with the finding emailed first: its email has the runbook and the evidence.',
    '  Remediation is not aggregated: in enforce mode each finding was acted on, and each response has its own',
    '  follow-up message with undo commands.',
  );
  const link = principalConsoleLink(digest.principal);
  if (link) lines.push('', 'LINKS', `  ${link}`);
  lines.push('', '--', `Rule ${clean(digest.ruleId, 128)} | digest ${clean(digest.id, 200)}`);
  if (options.configPrefix) {
    lines.push(
      'Change the window (SECONDS from 0, no aggregation, to 86400):',
      `  aws ssm put-parameter --overwrite --name ${options.configPrefix}/alerting/aggregation-window-seconds --value SECONDS`,
    );
  }
  return {
    subject: subjectLine(`[TrailGuard ${severity} x${digest.count}] ${title} - ${shortSubject(digest)}`),
    text: `${lines.join('\n')}\n`,
  };
}

/** The principal's short name when the digest is about a principal (as in finding subjects), else the group. */
function shortSubject(digest: Digest): string {
  const p = digest.principal;
  const aboutPrincipal = [p.arn, p.identityArn, p.identityName, p.accessKeyId].includes(digest.subject);
  return aboutPrincipal ? who(p) : clean(digest.subject, 60);
}

function utc(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return clean(iso, 40);
  return new Date(t)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}
