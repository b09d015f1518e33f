/**
 * The posture report for people: plain text (CLI table, email body) and a self-contained HTML page. Everything shown
 * comes from IAM (user and policy names) or SSM: it is cleaned and, in HTML, escaped.
 */
import { cleanText } from '../shared/text';
import { controlLabel, type PostureReport } from './report';

export interface TextOptions {
  /** Violations listed per check before "... and N more" (email size). */
  readonly maxViolationsPerCheck?: number;
  /** List passing users too (the CLI does; the email lists failing users only). */
  readonly allUsers?: boolean;
  /** Where the full report is stored, for the email. */
  readonly location?: string;
}

const clean = (value: string, max = 300) => cleanText(value, max);

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

export function headline(report: PostureReport): string {
  const s = report.summary;
  return (
    `${s.checks} checks: ${s.passed} passed, ${s.failed} failed, ${s.notEvaluated} not evaluated, ${s.off} off. ` +
    `${s.violations} violation(s); ${s.usersFailing} of ${s.users} IAM user(s) failing.`
  );
}

export function renderText(report: PostureReport, options: TextOptions = {}): string {
  const max = options.maxViolationsPerCheck ?? Number.POSITIVE_INFINITY;
  const out: string[] = [
    `TrailGuard IAM posture: account ${report.account}`,
    `Evaluated as of ${report.evaluatedAt}; credential report generated ${report.credentialReportGeneratedAt ?? 'at an unknown time'}.`,
    headline(report),
  ];
  if (report.killSwitch) out.push('Kill switch is ON: no check remediates anything (alert only).');
  if (options.location) out.push(`Full report: ${options.location}`);
  out.push(
    '',
    ...table(
      ['CHECK', 'RESULT', 'MODE', 'SETTING', 'CONTROLS'],
      report.checks.map((c) => [
        c.id,
        c.status === 'fail' ? `FAIL (${c.violations.length})` : c.status,
        c.mode,
        c.setting ?? '',
        c.controls.map(controlLabel).join(', '),
      ]),
    ),
  );

  const failing = report.checks.filter((c) => c.violations.length > 0);
  if (failing.length > 0) {
    out.push('', 'Violations');
    for (const c of failing) {
      out.push(`  ${c.id} (${c.severity}, mode ${c.mode}): ${c.title}`);
      for (const v of c.violations.slice(0, max)) {
        const plan = v.plan.length > 0 ? ` -> plan: ${v.plan.map((p) => clean(p)).join('; ')}` : '';
        out.push(`    - ${v.subject.kind} ${clean(v.subject.name, 80)}: ${clean(v.detail)}${plan}`);
      }
      if (c.violations.length > max) out.push(`    ... and ${c.violations.length - max} more`);
    }
  }
  const notEvaluated = report.checks.filter((c) => c.status === 'not-evaluated');
  if (notEvaluated.length > 0) {
    out.push('', 'Not evaluated');
    for (const c of notEvaluated) out.push(`  ${c.id}: ${clean(c.reason ?? 'unknown reason')}`);
  }

  out.push(
    '',
    'Controls',
    ...table(
      ['CONTROL', 'RESULT', 'CHECKS'],
      report.controls.map((c) => [c.label, c.status, c.checks.join(', ')]),
    ).map((l) => `  ${l}`),
  );

  const users = options.allUsers ? report.users : report.users.filter((u) => u.status === 'fail');
  out.push('', options.allUsers ? 'Users' : `Failing users (${users.length} of ${report.users.length})`);
  if (users.length > 0) {
    out.push(
      ...table(
        ['USER', 'RESULT', 'FAILED CHECKS'],
        users.map((u) => [clean(u.userName, 64), u.status, u.failed.join(', ')]),
      ).map((l) => `  ${l}`),
    );
  } else out.push('  none');

  if (report.gaps.length > 0) {
    out.push('', 'Gaps (could not be read; the checks concerned skip what they could not see)');
    for (const gap of report.gaps) out.push(`  - ${clean(gap)}`);
  }
  if (report.configProblems.length > 0) {
    out.push('', 'Configuration values rejected (the previous valid value or the default is used)');
    for (const p of report.configProblems)
      out.push(
        `  - ${clean(p.parameter, 200)} = "${clean(p.value, 100)}": ${clean(p.reason)}; using ${clean(p.using, 100)}`,
      );
  }
  return `${out.join('\n')}\n`;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

export function renderHtml(report: PostureReport): string {
  const e = (value: string, max = 300) => escapeHtml(clean(value, max));
  const row = (cells: readonly string[], tag = 'td') =>
    `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join('')}</tr>`;
  const status = (s: string) => `<span class="${e(s)}">${e(s)}</span>`;
  const parts: string[] = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>TrailGuard IAM posture ${e(report.account)} ${e(report.evaluatedAt)}</title>`,
    '<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}' +
      'td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}' +
      '.fail{color:#b00;font-weight:bold}.pass{color:#070}.not-evaluated,.off{color:#777}</style>',
    '</head><body>',
    `<h1>TrailGuard IAM posture: account ${e(report.account)}</h1>`,
    `<p>Evaluated as of ${e(report.evaluatedAt)}; credential report generated ${e(report.credentialReportGeneratedAt ?? 'at an unknown time')}.</p>`,
    `<p>${e(headline(report))}</p>`,
  ];
  if (report.killSwitch)
    parts.push('<p><strong>Kill switch is ON: no check remediates anything.</strong></p>');
  parts.push(
    '<h2>Checks</h2><table>',
    row(['Check', 'Result', 'Mode', 'Setting', 'Controls', 'Violations'], 'th'),
    ...report.checks.map((c) =>
      row([
        `${e(c.id)}<br>${e(c.title)}`,
        status(c.status),
        e(c.mode),
        e(c.setting ?? ''),
        e(c.controls.map(controlLabel).join(', ')),
        c.violations.length === 0
          ? e(c.reason ?? '')
          : `<ul>${c.violations
              .map(
                (v) =>
                  `<li>${e(v.subject.kind)} ${e(v.subject.name, 80)}: ${e(v.detail)}${
                    v.plan.length > 0 ? `<br><em>plan: ${e(v.plan.join('; '))}</em>` : ''
                  }</li>`,
              )
              .join('')}</ul>`,
      ]),
    ),
    '</table>',
    '<h2>Controls</h2><table>',
    row(['Control', 'Result', 'Checks'], 'th'),
    ...report.controls.map((c) => row([e(c.label), status(c.status), e(c.checks.join(', '))])),
    '</table>',
    '<h2>Users</h2><table>',
    row(['User', 'Result', 'Failed checks', 'Passed checks'], 'th'),
    ...report.users.map((u) =>
      row([e(u.userName, 64), status(u.status), e(u.failed.join(', ')), e(u.passed.join(', '))]),
    ),
    '</table>',
  );
  if (report.gaps.length > 0) {
    parts.push('<h2>Gaps</h2><ul>', ...report.gaps.map((g) => `<li>${e(g)}</li>`), '</ul>');
  }
  if (report.configProblems.length > 0) {
    parts.push(
      '<h2>Configuration values rejected</h2><ul>',
      ...report.configProblems.map(
        (p) => `<li>${e(p.parameter)} = "${e(p.value, 100)}": ${e(p.reason)}; using ${e(p.using)}</li>`,
      ),
      '</ul>',
    );
  }
  parts.push('</body></html>');
  return `${parts.join('\n')}\n`;
}
