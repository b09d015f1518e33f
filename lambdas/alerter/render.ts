import type { Finding, RemediationStep } from '../engine/types';
import type { RemediationOutcome, StepOutcome } from '../findings/outcome';
import { outcomeVerdict } from '../findings/outcome';
import { undoCommand } from '../findings/undo-commands';
import { wellFormed } from '../shared/text';
import { clean, subjectLine } from './sanitize';

export interface RenderOptions {
  /** Clock for "N minutes ago". */
  readonly now: Date;
  /** Needed to print the detach command of a quarantine. */
  readonly quarantinePolicyArn?: string;
  /** SSM prefix, to print the command that tunes the rule. */
  readonly configPrefix?: string;
  /** Account id → alias (`TRAILGUARD_ACCOUNT_ALIAS`), shown next to the account id. */
  readonly accountAliases?: Readonly<Record<string, string>>;
}

export interface RenderedEmail {
  readonly subject: string;
  readonly text: string;
}

const MODE_EXPLAINED: Record<Finding['mode'], string> = {
  enforce: 'enforce: the steps below run automatically; a follow-up message reports what was done.',
  'dry-run': 'dry-run: the steps below are recorded as what would be done; nothing is changed.',
  alert:
    'alert: nothing is changed automatically. The steps below are what TrailGuard would do in enforce mode.',
  off: 'off: the rule is switched off.',
};

const STATUS_WORDS: Record<StepOutcome['status'], string> = {
  succeeded: 'DONE',
  'already-applied': 'ALREADY IN PLACE',
  'dry-run': 'DRY RUN (not changed)',
  'skipped-protected': 'SKIPPED (protected principal)',
  'skipped-mode': 'SKIPPED (rule in alert mode)',
  'skipped-kill-switch': 'SKIPPED (kill switch on)',
  'skipped-circuit-open': 'NOT DONE (circuit open: hourly action limit reached)',
  failed: 'FAILED',
};

export function findingSubject(finding: Finding): string {
  // A threshold finding is about its group (an address, a user), not about whoever made the last event.
  const about = finding.threshold ? clean(finding.threshold.groupKey, 60) : who(finding.principal);
  return subjectLine(
    `[TrailGuard ${finding.severity.toUpperCase()}] ${clean(finding.title, 120)} - ${about}`,
  );
}

/** The email a person reads for a finding: plain text, every CloudTrail value cleaned and capped. */
export function renderFindingEmail(finding: Finding, options: RenderOptions): RenderedEmail {
  const lines: string[] = [];
  const push = (...more: string[]) => lines.push(...more);
  push(`${clean(finding.title, 200)} (${finding.severity.toUpperCase()})`, '');
  push('WHAT HAPPENED', ...wrap(clean(finding.summary, 600), 100).map((l) => `  ${l}`));
  if (finding.threshold) {
    const t = finding.threshold;
    push(
      `  ${t.count} matching events within ${duration(t.windowSeconds)} for ${clean(t.groupByLabel, 60)} ` +
        `${clean(t.groupKey, 200)} (threshold ${t.threshold}).`,
    );
  }
  push('', 'WHO');
  push(...fields(whoFields(finding)));
  push('', 'FROM WHERE');
  push(
    ...fields([
      ['Source IP', finding.sourceIp],
      ['User agent', finding.userAgent],
      ['Region', finding.region],
      ['Account', accountLabel(finding.account, options)],
    ]),
  );
  push('', 'WHEN', `  ${when(finding.eventTime, options.now)}`);
  if (finding.evidence.length > 0) {
    push('', 'EVIDENCE (CloudTrail)');
    for (const e of finding.evidence) {
      push(
        `  - ${clean(e.eventTime, 40)}  ${clean(e.eventSource, 80)}  ${clean(e.eventName, 80)}${e.errorCode ? `  error: ${clean(e.errorCode, 80)}` : ''}`,
      );
      push(`    event id: ${clean(e.eventID, 80)}`);
      if (e.requestParameters) push(`    request: ${clean(e.requestParameters, 700)}`);
    }
  }
  push('', 'WHAT TRAILGUARD DOES ABOUT IT');
  if (finding.remediation.length === 0) {
    push(
      `  Nothing automatic: this rule has no safe automatic response (mode ${finding.mode}). Follow the runbook below.`,
    );
  } else {
    push(`  Mode ${MODE_EXPLAINED[finding.mode]}`);
    for (const [i, step] of finding.remediation.entries())
      push(`  ${i + 1}. ${clean(step.description, 300)}`);
  }
  if (finding.mode === 'enforce') {
    const undo = undoBlock(
      finding.remediation.map((step, index) => ({
        index,
        step,
        command: undoCommand(step, options.quarantinePolicyArn),
      })),
    );
    if (undo.length > 0) {
      push(
        '',
        'HOW TO UNDO',
        '  Every step is reversible; the follow-up message confirms which ones ran. To reverse one:',
      );
      push(...undo);
    }
  }
  push('', 'RUNBOOK', ...wrap(clean(finding.runbook, 6000), 100).map((l) => `  ${l}`));
  const links = consoleLinks(finding);
  if (links.length > 0) push('', 'LINKS', ...links.map((l) => `  ${l}`));
  push(
    '',
    '--',
    `Rule ${clean(finding.ruleId, 128)} | ATT&CK ${clean(finding.attack.join(', '), 200) || 'n/a'} | finding ${clean(finding.id, 128)}`,
  );
  if (options.configPrefix) {
    // A placeholder, not a real mode: a line pasted as is must not switch the rule off (`a|b` would be a pipe).
    push(
      `Tune this rule (MODE is off, alert, dry-run or enforce; now ${finding.mode}):`,
      `  aws ssm put-parameter --overwrite --name ${options.configPrefix}/rules/${clean(finding.ruleId, 128)}/mode --value MODE`,
    );
  }
  return { subject: findingSubject(finding), text: `${lines.join('\n')}\n` };
}

const VERDICT_WORDS: Record<ReturnType<typeof outcomeVerdict>, string> = {
  'circuit-open': 'CIRCUIT OPEN',
  acted: 'CONTAINED',
  failed: 'FAILED',
  'dry-run': 'DRY RUN',
  unchanged: 'NO CHANGE',
  skipped: 'NOT ACTED',
};

/** The follow-up email after the remediator decided: what was done, what failed, exact undo commands. */
export function renderOutcomeEmail(outcome: RemediationOutcome, options: RenderOptions): RenderedEmail {
  const title = clean(outcome.title, 200);
  const lines: string[] = [
    `Response to: ${title} (${outcome.severity.toUpperCase()})`,
    '',
    'WHAT HAPPENED',
    ...wrap(clean(outcome.summary, 600), 100).map((l) => `  ${l}`),
    `  Event time: ${when(outcome.eventTime, options.now)}`,
    '',
    `WHAT TRAILGUARD DID (mode ${outcome.mode})`,
  ];
  for (const step of outcome.steps) {
    lines.push(`  ${step.index + 1}. [${STATUS_WORDS[step.status]}] ${clean(step.description, 300)}`);
    if (step.reason) lines.push(`     ${clean(step.reason, 400)}`);
  }
  if (outcome.steps.some((s) => s.status === 'failed')) {
    lines.push(
      '',
      '  A failed step is retried automatically when the failure is transient; otherwise act by hand now.',
    );
  }
  const undo = undoBlock(
    outcome.steps
      .filter((s) => s.status === 'succeeded')
      .map((s) => ({
        index: s.index,
        step: { action: s.action, description: s.description },
        command: s.undoCommand,
      })),
  );
  if (undo.length > 0)
    lines.push('', 'HOW TO UNDO', '  If this response was wrong, reverse it with:', ...undo);
  lines.push('', '--', `Rule ${clean(outcome.ruleId, 128)} | finding ${clean(outcome.findingId, 128)}`);
  return {
    subject: subjectLine(
      `[TrailGuard ${VERDICT_WORDS[outcomeVerdict(outcome)]}] ${title} - ${who(outcome.principal)}`,
    ),
    text: `${lines.join('\n')}\n`,
  };
}

/**
 * The only shapes of undo command we print: `aws <service> <verb> --flag value [value...] ...` with shell-safe
 * values, for the services TrailGuard remediates, or `trailguard undo <finding>/<step> [--table name]`.
 */
const SAFE_UNDO =
  /^(aws (iam|cloudtrail|ec2|s3api|rds) [a-z-]+( --[a-z-]+( [A-Za-z0-9_.,:/@+=-]+)+)+|trailguard undo [A-Za-z0-9:_-]{1,128}\/step-\d{3}( --table [A-Za-z0-9_.-]{3,255})?)$/;

/**
 * Steps that revert the change that raised the alert (rather than contain the actor): undoing one redoes what the
 * attacker did (re-grants admin, re-opens a port, re-shares a snapshot), so it must never run from a pasted block.
 */
const REVERTS_THE_CHANGE: ReadonlySet<string> = new Set([
  'iam.detach-admin-policy',
  'iam.restore-role-trust-policy',
  'iam.delete-login-profile',
  'ec2.revoke-security-group-ingress',
  's3.put-public-access-block',
  'ec2.unshare-snapshot',
  'ec2.unshare-image',
  'rds.unshare-snapshot',
]);

/**
 * Undo commands, each under a comment naming its step, so a pasted block reverses exactly what it says.
 * Re-stopping a trail, and undoing any step that reverted the attacker's change, is printed commented out: it
 * redoes what the attacker did, and must be a deliberate choice.
 * A command that does not have the expected shape (a forged or corrupt message) is withheld.
 */
function undoBlock(
  entries: {
    index: number;
    step: Pick<RemediationStep, 'action' | 'description'>;
    command: string | undefined;
  }[],
): string[] {
  const lines: string[] = [];
  for (const { index, step, command } of entries) {
    if (command === undefined) continue;
    if (!SAFE_UNDO.test(command)) {
      lines.push(
        `    # step ${index + 1}: undo command withheld (unexpected characters); see the audit table`,
      );
    } else if (step.action === 'cloudtrail.start-logging') {
      lines.push(
        `    # step ${index + 1} restarted logging; stop it again only if the trail was meant to be off:`,
      );
      lines.push(`    # ${command}`);
    } else if (REVERTS_THE_CHANGE.has(step.action)) {
      lines.push(
        `    # step ${index + 1} reverted the change this alert is about; redo it only if that change was intended:`,
        `    # ${command}`,
      );
    } else {
      lines.push(`    # step ${index + 1}: ${clean(step.description, 120)}`, `    ${command}`);
    }
  }
  return lines;
}

/** `111122223333 (prod-payments)` when an alias is configured for the account. */
export function accountLabel(account: string | undefined, options: RenderOptions): string | undefined {
  if (account === undefined) return undefined;
  const alias = options.accountAliases?.[account];
  return alias ? `${account} (${alias})` : account;
}

export function who(principal: Finding['principal']): string {
  return clean(principal.identityName ?? principal.arn ?? principal.type, 60);
}

function whoFields(finding: Finding): [string, string | undefined][] {
  const p = finding.principal;
  // Failed sign-ins carry a user name but no ARN: name the user rather than only the identity type.
  const name = p.arn ?? p.identityName;
  const out: [string, string | undefined][] = [
    ['Principal', name ? `${name} (${p.type})` : p.type],
    ['Access key', p.accessKeyId],
  ];
  if (p.identityArn && p.identityArn !== p.arn)
    out.push([p.identityType === 'role' ? 'Role' : 'Identity', p.identityArn]);
  return out;
}

function fields(rows: [string, string | undefined][]): string[] {
  const present = rows.filter((r): r is [string, string] => r[1] !== undefined && r[1] !== '');
  if (present.length === 0) return ['  (not in the event)'];
  return present.map(([label, value]) => `  ${`${label}:`.padEnd(13)}${clean(value, 300)}`);
}

export function when(eventTime: string, now: Date): string {
  const t = Date.parse(eventTime);
  if (Number.isNaN(t)) return clean(eventTime, 40);
  const iso = new Date(t)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
  const ago = Math.round((now.getTime() - t) / 1000);
  return `${iso} (${ago >= 0 ? `${duration(ago)} ago` : `${duration(-ago)} in the future: check clocks`})`;
}

export function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86400) return `${Math.round(seconds / 360) / 10} h`;
  return `${Math.round(seconds / 8640) / 10} days`;
}

function consoleLinks(finding: Finding): string[] {
  const links: string[] = [];
  const region =
    finding.region && /^[a-z]{2}(-[a-z]+)+-\d$/.test(finding.region) ? finding.region : 'us-east-1';
  const eventId = finding.eventIds[0];
  if (eventId) {
    links.push(
      `CloudTrail event: https://${region}.console.aws.amazon.com/cloudtrailv2/home?region=${region}#/events/${encodeURIComponent(wellFormed(eventId))}`,
    );
  }
  const principal = principalConsoleLink(finding.principal);
  if (principal) links.push(principal);
  return links;
}

/** The IAM console page of the user or role behind a principal, when the finding names one. */
export function principalConsoleLink(principal: Finding['principal']): string | undefined {
  const name = principal.identityName;
  if (name && principal.identityType === 'user') {
    return `IAM user: https://us-east-1.console.aws.amazon.com/iam/home#/users/details/${encodeURIComponent(wellFormed(name))}`;
  }
  if (name && principal.identityType === 'role') {
    return `IAM role: https://us-east-1.console.aws.amazon.com/iam/home#/roles/details/${encodeURIComponent(wellFormed(name))}`;
  }
  return undefined;
}

/**
 * Lines that carry structure in our emails: section titles and the signature separator. A wrapped line of
 * CloudTrail text (a summary quoting a user name such as "--" or "WHO") must never consist of one of them alone,
 * or it would read as a section of its own.
 */
const STRUCTURAL_LINES: ReadonlySet<string> = new Set([
  '--',
  'WHAT HAPPENED',
  'WHO',
  'FROM WHERE',
  'WHEN',
  'EVIDENCE (CloudTrail)',
  'WHAT TRAILGUARD DOES ABOUT IT',
  'HOW TO UNDO',
  'RUNBOOK',
  'LINKS',
  'WHO AND WHERE',
  'WHAT TO DO',
]);

/**
 * Greedy word wrap for prose (summaries, runbooks). A line that would be a structural line alone keeps the next
 * word on it (overrunning the width); a text that is nothing but one is quoted.
 */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line.length > 0 && line.length + 1 + word.length > width && !STRUCTURAL_LINES.has(line)) {
      out.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (STRUCTURAL_LINES.has(line)) {
    const previous = out.pop();
    line = previous === undefined ? `"${line}"` : `${previous} ${line}`;
  }
  if (line) out.push(line);
  return out;
}
