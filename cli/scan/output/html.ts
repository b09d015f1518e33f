/**
 * A self-contained HTML report: one file, no scripts, no network (a strict Content-Security-Policy), so it opens
 * anywhere and a hostile CloudTrail value cannot run code in it. Every value from CloudTrail is cleaned and escaped.
 * Sections: severity counts, a findings timeline (inline SVG, stacked by severity), counts by rule, top principals
 * and source IPs, the findings table with each finding's runbook and remediation plan, and input problems.
 *
 * Findings are folded into counts as they arrive (`HtmlReport.add`), and only the first `MAX_TABLE_ROWS` are kept
 * for the table, so memory does not grow with the number of findings.
 */
import { type Rule, SEVERITIES, type Severity } from '../../../lambdas/engine/types';
import { cleanText } from '../../../lambdas/shared/text';
import { describeLocation } from '../location';
import type { Problem, ScanFinding, ScanSummary } from '../types';
import { shortPrincipal, shortTime } from './table';

/** Findings listed in the table; the charts and counts always cover all of them. */
export const MAX_TABLE_ROWS = 5000;
const MAX_PROBLEM_ROWS = 200;

const COLOURS: Record<Severity, string> = {
  critical: '#b3261e',
  high: '#e8710a',
  medium: '#f2b600',
  low: '#1a73e8',
  info: '#80868b',
};

/** Bucket sizes the timeline may use, smallest first. */
const BUCKETS_MS = [60, 300, 900, 3600, 6 * 3600, 86_400, 7 * 86_400, 30 * 86_400].map((s) => s * 1000);
const MAX_BARS = 60;
/** Time slots kept before the timeline coarsens, and distinct principals or addresses counted exactly. */
const MAX_TIME_SLOTS = 50_000;
const MAX_KEYS = 50_000;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Untrusted text, made safe to show and to embed. */
function safe(value: unknown, max = 512): string {
  return escapeHtml(cleanText(value, max));
}

/** Trusted prose (rule runbooks) with `code` spans. */
function prose(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

function formatNumber(n: number): string {
  return n.toLocaleString('en-US');
}

/** Findings per time slot and severity, at the finest granularity that keeps the map small. */
class TimeCounts {
  private slotMs = BUCKETS_MS[0] as number;
  private readonly slots = new Map<number, Map<Severity, number>>();

  add(time: number, severity: Severity): void {
    const slot = Math.floor(time / this.slotMs);
    let counts = this.slots.get(slot);
    if (counts === undefined) {
      counts = new Map();
      this.slots.set(slot, counts);
      if (this.slots.size > MAX_TIME_SLOTS) this.coarsen();
    }
    counts.set(severity, (counts.get(severity) ?? 0) + 1);
  }

  /** Counts per bucket of `bucketMs` (a multiple of the slot size), from the earliest finding on. */
  buckets(): { start: number; bucketMs: number; stacks: Map<Severity, number>[] } | undefined {
    if (this.slots.size === 0) return undefined;
    const keys = [...this.slots.keys()];
    const min = Math.min(...keys) * this.slotMs;
    const max = Math.max(...keys) * this.slotMs;
    const bucketMs =
      BUCKETS_MS.find((b) => b >= this.slotMs && (max - Math.floor(min / b) * b) / b < MAX_BARS) ??
      (BUCKETS_MS.at(-1) as number);
    const start = Math.floor(min / bucketMs) * bucketMs;
    const stacks = Array.from(
      { length: Math.floor((max - start) / bucketMs) + 1 },
      () => new Map<Severity, number>(),
    );
    for (const [slot, counts] of this.slots) {
      const stack = stacks[Math.min(stacks.length - 1, Math.floor((slot * this.slotMs - start) / bucketMs))];
      for (const [severity, n] of counts) stack?.set(severity, (stack.get(severity) ?? 0) + n);
    }
    return { start, bucketMs, stacks };
  }

  private coarsen(): void {
    const next = BUCKETS_MS.find((b) => b > this.slotMs);
    if (next === undefined) return;
    const old = [...this.slots];
    const ratio = next / this.slotMs;
    this.slotMs = next;
    this.slots.clear();
    for (const [slot, counts] of old) {
      const key = Math.floor(slot / ratio);
      let merged = this.slots.get(key);
      if (merged === undefined) {
        merged = new Map();
        this.slots.set(key, merged);
      }
      for (const [severity, n] of counts) merged.set(severity, (merged.get(severity) ?? 0) + n);
    }
  }
}

/** Counts by key; past `MAX_KEYS` distinct keys the rarest are dropped (top entries stay right for heavy hitters). */
class TopCounts {
  private readonly counts = new Map<string, number>();
  approximate = false;

  add(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (this.counts.size > MAX_KEYS) {
      const keep = [...this.counts].sort((a, b) => b[1] - a[1]).slice(0, MAX_KEYS / 2);
      this.counts.clear();
      for (const [k, n] of keep) this.counts.set(k, n);
      this.approximate = true;
    }
  }

  top(n: number): [string, number][] {
    return [...this.counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, n);
  }
}

function timeline(counts: TimeCounts): string {
  const width = 960;
  const height = 240;
  const left = 40;
  const bottom = 30;
  const top = 10;
  const data = counts.buckets();
  if (data === undefined) {
    return `<svg class="timeline" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="No findings"><text x="${width / 2}" y="${height / 2}" text-anchor="middle" class="empty">No findings</text></svg>`;
  }
  const { start, bucketMs, stacks } = data;
  const bars = stacks.length;
  const peak = Math.max(...stacks.map((s) => [...s.values()].reduce((a, b) => a + b, 0)));
  const plotWidth = width - left - 10;
  const plotHeight = height - top - bottom;
  const slot = plotWidth / bars;
  const barWidth = Math.max(1, slot * 0.8);
  const parts: string[] = [];
  stacks.forEach((stack, i) => {
    let y = top + plotHeight;
    const from = new Date(start + i * bucketMs).toISOString();
    for (const severity of SEVERITIES) {
      const n = stack.get(severity) ?? 0;
      if (n === 0) continue;
      const h = (n / peak) * plotHeight;
      y -= h;
      parts.push(
        `<rect class="bar sev-${severity}" x="${(left + i * slot).toFixed(1)}" y="${y.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${h.toFixed(1)}" fill="${COLOURS[severity]}"><title>${n} ${severity} from ${from}</title></rect>`,
      );
    }
  });
  const label = (ms: number) => shortTime(new Date(ms).toISOString()).replace('T', ' ');
  const axis = [
    `<line x1="${left}" y1="${top + plotHeight}" x2="${width - 10}" y2="${top + plotHeight}" class="axis"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotHeight}" class="axis"/>`,
    `<text x="${left - 6}" y="${top + 10}" text-anchor="end">${peak}</text>`,
    `<text x="${left - 6}" y="${top + plotHeight}" text-anchor="end">0</text>`,
    `<text x="${left}" y="${height - 8}">${label(start)}</text>`,
    `<text x="${width - 10}" y="${height - 8}" text-anchor="end">${label(start + bars * bucketMs)}</text>`,
  ];
  const bucketLabel =
    bucketMs >= 86_400_000
      ? `${bucketMs / 86_400_000} day`
      : bucketMs >= 3_600_000
        ? `${bucketMs / 3_600_000} h`
        : `${bucketMs / 60_000} min`;
  return `<svg class="timeline" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Findings per ${bucketLabel}, stacked by severity">${axis.join('')}${parts.join('')}</svg><p class="note">Findings per ${bucketLabel} of event time, stacked by severity.</p>`;
}

function topTable(title: string, id: string, counts: TopCounts, total: number): string {
  const body = counts
    .top(10)
    .map(
      ([key, n]) =>
        `<tr><td class="key">${safe(key, 200)}</td><td class="num">${formatNumber(n)}</td><td class="meter"><span style="width:${Math.max(2, Math.round((n / total) * 100))}%"></span></td></tr>`,
    )
    .join('');
  const note = counts.approximate
    ? '<p class="note">Approximate: too many distinct values to count all.</p>'
    : '';
  return `<div class="panel" id="${id}"><h2>${title}</h2><table class="counts"><tbody>${body || '<tr><td>none</td></tr>'}</tbody></table>${note}</div>`;
}

function findingRow(f: ScanFinding, rule: Rule | undefined): string {
  const steps = f.remediation.steps;
  const plan =
    steps.length === 0
      ? '<p>No automatic remediation for this finding.</p>'
      : `<p>Not executed by the scan. The deployed stack's default mode for this rule is <b>${safe(f.remediation.mode, 16)}</b>${f.remediation.mode === 'enforce' ? ' (the plan would run)' : ''}.</p><ol>${steps.map((s) => `<li>${safe(s.description, 400)}</li>`).join('')}</ol>`;
  const detail = f.threshold
    ? `<p>${formatNumber(f.threshold.count)} events (threshold ${formatNumber(f.threshold.threshold)}) within ${f.threshold.windowSeconds} s for ${safe(f.threshold.groupByLabel, 64)} ${safe(f.threshold.groupKey, 256)}.</p>`
    : f.sequence
      ? `<p>Follows ${safe(f.sequence.firstLabel, 64)} within ${f.sequence.withinSeconds} s (key ${safe(f.sequence.key, 256)}).</p>`
      : '';
  return `<tr class="finding sev-${f.severity}" id="finding-${escapeHtml(f.id)}">
<td class="time">${safe(shortTime(f.eventTime), 32)}</td>
<td><span class="badge sev-${f.severity}">${f.severity}</span></td>
<td><code>${safe(f.ruleId, 128)}</code><br><span class="muted">${safe(f.title, 200)}</span><br><span class="muted">${f.attack.map((a) => safe(a, 16)).join(' ')}</span></td>
<td title="${safe(f.principal ?? f.principalType, 512)}">${safe(shortPrincipal(f), 128)}</td>
<td>${safe(f.sourceIp ?? '', 64)}</td>
<td>${safe(f.account ?? '', 32)}<br><span class="muted">${safe(f.region ?? '', 32)}</span></td>
<td class="summary">${safe(f.summary, 1024)}${detail}
<details><summary>Runbook and remediation</summary>
<h4>Runbook</h4><p>${rule ? prose(rule.runbook) : 'Rule not in this catalog.'}</p>
<h4>Remediation plan</h4>${plan}
<p class="muted">Events: ${f.eventIds.map((id) => `<code>${safe(id, 128)}</code>`).join(', ')} · ${safe(describeLocation(f.location.file, f.location), 400)}</p>
</details></td></tr>`;
}

/** Folds findings in as they come; `render` writes the page. */
export class HtmlReport {
  private readonly rows: string[] = [];
  private readonly byRule = new Map<string, number>();
  private readonly principals = new TopCounts();
  private readonly sourceIps = new TopCounts();
  private readonly times = new TimeCounts();
  private readonly rulesById: Map<string, Rule>;
  private total = 0;

  constructor(rules: readonly Rule[]) {
    this.rulesById = new Map(rules.map((r) => [r.id, r]));
  }

  add(finding: ScanFinding): void {
    this.total++;
    this.byRule.set(finding.ruleId, (this.byRule.get(finding.ruleId) ?? 0) + 1);
    this.principals.add(finding.principal ?? finding.principalType);
    if (finding.sourceIp !== null) this.sourceIps.add(finding.sourceIp);
    this.times.add(Date.parse(finding.eventTime), finding.severity);
    if (this.rows.length < MAX_TABLE_ROWS)
      this.rows.push(findingRow(finding, this.rulesById.get(finding.ruleId)));
  }

  render(input: { summary: ScanSummary; problems: readonly Problem[]; generatedAt: Date }): string {
    const { summary } = input;
    const { rulesById, total } = this;
    const cards = [...SEVERITIES]
      .reverse()
      .map(
        (s) =>
          `<div class="card sev-${s}"><span class="n">${formatNumber(summary.findings.bySeverity[s] ?? 0)}</span><span>${s}</span></div>`,
      )
      .join('');
    const byRule = [...this.byRule]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([id, n]) => {
        const rule = rulesById.get(id);
        const severity = rule?.severity ?? 'info';
        return `<tr><td><code>${safe(id, 128)}</code><br><span class="muted">${safe(rule?.title ?? '', 200)}</span></td><td><span class="badge sev-${severity}">${severity}</span></td><td class="num">${formatNumber(n)}</td><td class="meter"><span style="width:${Math.max(2, Math.round((n / total) * 100))}%"></span></td></tr>`;
      })
      .join('');
    const rows = this.rows.join('\n');
    const truncatedNote =
      total > MAX_TABLE_ROWS
        ? `<p class="note">Showing the first ${formatNumber(MAX_TABLE_ROWS)} of ${formatNumber(total)} findings; use <code>--format json</code> for all of them.</p>`
        : '';
    const problems = input.problems
      .slice(0, MAX_PROBLEM_ROWS)
      .map(
        (p) =>
          `<tr><td>${safe(p.kind, 32)}</td><td>${safe(describeLocation(p.file, p.location), 400)}</td><td>${safe(p.message, 400)}</td></tr>`,
      )
      .join('');
    const range =
      summary.events.first && summary.events.last
        ? ` from ${safe(shortTime(summary.events.first), 32)} to ${safe(shortTime(summary.events.last), 32)}`
        : '';
    return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>TrailGuard scan report</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#202124;background:#f8f9fa}
header,main{max-width:1240px;margin:0 auto;padding:16px 24px}
header{background:#202124;color:#fff;max-width:none}
header h1{margin:0 0 4px;font-size:22px}
h2{font-size:16px;margin:0 0 8px}
.muted,.note{color:#5f6368;font-size:12px}
.cards{display:flex;gap:12px;margin:16px 0}
.card{flex:1;background:#fff;border-radius:8px;padding:12px;border-top:6px solid;box-shadow:0 1px 2px #0002}
.card .n{display:block;font-size:26px;font-weight:600}
${SEVERITIES.map((s) => `.sev-${s}{border-color:${COLOURS[s]}}.badge.sev-${s}{background:${COLOURS[s]}}`).join('\n')}
.badge{color:#fff;border-radius:10px;padding:1px 8px;font-size:12px;font-weight:600}
.panel{background:#fff;border-radius:8px;padding:12px 16px;margin:16px 0;box-shadow:0 1px 2px #0002;overflow-x:auto}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:16px}
.grid .panel{margin:0}
table{border-collapse:collapse;width:100%}
td,th{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid #e8eaed}
th{font-size:12px;color:#5f6368;text-transform:uppercase}
.num{text-align:right;font-variant-numeric:tabular-nums}
.meter{width:30%}.meter span{display:block;height:10px;background:#8ab4f8;border-radius:5px}
.timeline text{font-size:11px;fill:#5f6368}.timeline .axis{stroke:#9aa0a6}.timeline .empty{font-size:16px}
tr.finding td:first-child{border-left:4px solid}
tr.finding.sev-critical td:first-child{border-left-color:${COLOURS.critical}}
tr.finding.sev-high td:first-child{border-left-color:${COLOURS.high}}
tr.finding.sev-medium td:first-child{border-left-color:${COLOURS.medium}}
tr.finding.sev-low td:first-child{border-left-color:${COLOURS.low}}
tr.finding.sev-info td:first-child{border-left-color:${COLOURS.info}}
.time{white-space:nowrap;font-variant-numeric:tabular-nums}
.summary{max-width:480px}
details{margin-top:6px}summary{cursor:pointer;color:#1a73e8}
code{background:#f1f3f4;padding:0 3px;border-radius:3px;font-size:12px}
</style>
</head>
<body>
<header><h1>TrailGuard scan report</h1>
<p>${formatNumber(total)} findings in ${formatNumber(summary.events.read)} events${range}, from ${formatNumber(summary.files.scanned)} input${summary.files.scanned === 1 ? '' : 's'}. Generated ${escapeHtml(input.generatedAt.toISOString())}. Nothing was remediated: plans are shown as they would run.</p></header>
<main>
<section class="cards" id="by-severity">${cards}</section>
<section class="panel" id="timeline"><h2>Findings over time</h2>${timeline(this.times)}</section>
<section class="panel" id="by-rule"><h2>Findings by rule</h2><table class="counts"><tbody>${byRule || '<tr><td>No findings.</td></tr>'}</tbody></table></section>
<section class="grid">
${topTable('Top principals', 'top-principals', this.principals, Math.max(1, total))}
${topTable('Top source IPs', 'top-source-ips', this.sourceIps, Math.max(1, total))}
</section>
<section class="panel" id="findings"><h2>Findings</h2>${truncatedNote}
<table class="findings"><thead><tr><th>Time (UTC)</th><th>Severity</th><th>Rule</th><th>Principal</th><th>Source IP</th><th>Account / region</th><th>Summary</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="7">No findings.</td></tr>'}
</tbody></table></section>
${
  input.problems.length > 0
    ? `<section class="panel" id="problems"><h2>Input problems (${formatNumber(summary.problems.total)})</h2><table><thead><tr><th>Kind</th><th>Where</th><th>What</th></tr></thead><tbody>${problems}</tbody></table></section>`
    : ''
}
<section class="panel" id="scan-summary"><h2>Scan</h2><p>${formatNumber(summary.files.scanned)} inputs scanned, ${formatNumber(summary.files.unreadable)} unreadable, ${formatNumber(summary.files.damaged)} damaged, ${formatNumber(summary.files.skipped)} skipped; ${formatNumber(summary.events.read)} events read, ${formatNumber(summary.badRecords)} bad records skipped, ${formatNumber(summary.events.outsideRange)} outside the time range; ${(summary.elapsedMs / 1000).toFixed(1)} s.</p></section>
</main>
</body>
</html>
`;
  }
}
