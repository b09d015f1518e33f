/**
 * The conformance report as text for people. Pure: report in, lines out.
 */
import { SEVERITIES } from '../../lambdas/engine/types';
import { ABOVE_LOW } from './benign';
import type { PantherRowResult } from './panther';
import type { ConformanceReport, TargetResult } from './report';

function percent(ratio: number): string {
  return `${(Math.floor(ratio * 1000) / 10).toFixed(1)}%`;
}

function pad(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

function verdict(value: boolean | undefined): string {
  return value === undefined ? 'not evaluated' : value ? 'raises' : 'does not raise';
}

function firing(row: PantherRowResult): string {
  return row.firing.length === 0
    ? ''
    : ` by ${row.firing.map((f) => `${f.ruleId} (${f.severity}${f.judgement === 'event' ? '' : `, ${f.judgement}`})`).join(', ')}`;
}

function rowLine(row: PantherRowResult): string {
  return `${row.panther} | ${row.test}: Panther ${row.expected ? 'alerts' : 'does not alert'}, TrailGuard ${verdict(row.ours)}${firing(row)}`;
}

export function formatTarget(t: TargetResult): string {
  const show = (n: number) => (t.id === 'agreement' ? percent(n) : String(n));
  return `${t.pass ? 'PASS' : 'FAIL'}  ${t.label}: ${show(t.actual)} (target ${t.comparison} ${show(t.required)})`;
}

export function formatReport(report: ConformanceReport): string[] {
  const { stratus, panther, benign } = report;
  const out: string[] = [];
  out.push(`TrailGuard conformance: ${report.catalog.rules} rules against ${report.corpus.dir}`, '');

  out.push(
    `Stratus Red Team detonations (${stratus.total} files): a finding from a rule that names the technique`,
  );
  out.push(
    ...pad(
      stratus.files.map((f) => {
        const others = Object.entries(f.findings)
          .filter(([id]) => !f.detectedBy.includes(id))
          .map(([id, n]) => `${id} x${n}`);
        const status = f.detected
          ? 'detected'
          : f.namedBy.length === 0
            ? 'MISSED (no rule names it)'
            : 'MISSED';
        const detail = f.detected
          ? `by ${f.detectedBy.join(', ')}`
          : f.namedBy.length > 0
            ? `named by ${f.namedBy.join(', ')} but not raised`
            : '';
        const extra = [
          others.length > 0 ? `other findings: ${others.join(', ')}` : '',
          f.rejected.length > 0 ? `${f.rejected.length} records rejected` : '',
          f.errors.length > 0 ? `${f.errors.length} rule errors` : '',
        ].filter((s) => s.length > 0);
        return [`  ${status}`, f.technique, [detail, ...extra].filter((s) => s).join('; ')];
      }),
    ),
  );
  if (stratus.namedWithoutLog.length > 0) {
    out.push(`  named by rules but without a detonation log: ${stratus.namedWithoutLog.join(', ')}`);
  }
  out.push('');

  out.push(
    `Panther rules referenced (${panther.referenced.length}): agreement with Panther's expected verdict`,
  );
  out.push(
    ...pad([
      ['  PANTHER RULE', 'AGREE', 'DISAGREE', 'DELIBERATE', 'MOCKS', 'NOT EVALUATED', 'TRAILGUARD RULES'],
      ...panther.referenced.map((r) => [
        `  ${r.panther}`,
        `${r.agree}`,
        `${r.disagree}`,
        `${r.deliberate}`,
        `${r.mocks}`,
        `${r.unevaluated}`,
        r.rules.join(', ') +
          (r.judgements.some((j) => j !== 'event') ? ` [judged per event: ${r.judgements.join(', ')}]` : ''),
      ]),
    ]),
  );
  if (panther.referencedWithoutTests.length > 0) {
    out.push(`  referenced but without tests in the corpus: ${panther.referencedWithoutTests.join(', ')}`);
  }
  out.push(
    '  Threshold rules are judged per event (the event counts toward the threshold); sequence rules on their ' +
      'second step per event.',
    '',
  );

  const section = (
    title: string,
    rows: readonly PantherRowResult[],
    detail: (r: PantherRowResult) => string[],
  ) => {
    out.push(`${title} (${rows.length})`);
    for (const row of rows)
      for (const [i, line] of detail(row).entries()) out.push(`${i === 0 ? '  ' : '      '}${line}`);
    out.push('');
  };
  section(
    'Disagreements (not recorded)',
    panther.rows.filter((r) => r.outcome === 'disagree'),
    (r) => [rowLine(r)],
  );
  section(
    'Deliberate disagreements (recorded in references.disagreements, counted as disagreements)',
    panther.rows.filter((r) => r.outcome === 'deliberate'),
    (r) => [rowLine(r), ...(r.reasons ?? []).map((x) => `${x.ruleId}: ${x.reason}`)],
  );
  const unusable = panther.recordedDisagreements.filter((d) => d.status !== 'holds');
  if (unusable.length > 0) {
    out.push(`Recorded disagreements that do not hold (${unusable.length})`);
    for (const d of unusable) out.push(`  ${d.ruleId} on ${d.panther} | ${d.test}: ${d.status}`);
    out.push('');
  }
  section(
    'Rows with mocks (Panther-side lookups; listed, not counted)',
    panther.rows.filter((r) => r.outcome === 'mocks'),
    (r) => [`${rowLine(r)}${r.ours === r.expected ? ' (same verdict)' : ' (different verdict)'}`],
  );
  section(
    'Rows not evaluated (listed, not counted)',
    panther.rows.filter((r) => r.outcome === 'unevaluated'),
    (r) => [`${r.panther} | ${r.test}: ${r.problem ?? 'unknown problem'}`],
  );
  const filled = panther.rows.filter((r) => r.filled.length > 0);
  const enriched = panther.rows.filter((r) => r.pantherFields);
  out.push(
    `Normalisation: ${filled.length} rows given a synthetic eventID or eventTime; ` +
      `${enriched.length} rows carry Panther p_* fields (left in place); no key was rewritten.`,
  );
  const errors = panther.rows.flatMap((r) => r.errors);
  if (errors.length > 0)
    out.push(`Rule errors on Panther events (${errors.length}):`, ...errors.map((e) => `  ${e}`));
  out.push('');

  if (benign !== undefined) {
    out.push(`Benign activity (${benign.dir}: ${benign.events} events in ${benign.files} files)`);
    out.push(`  findings by severity: ${SEVERITIES.map((s) => `${s} ${benign.bySeverity[s]}`).join(', ')}`);
    for (const r of benign.byRule) {
      out.push(`  ${r.severity.padEnd(8)} ${r.ruleId} x${r.count}`);
      for (const f of benign.findings.filter((x) => x.ruleId === r.ruleId).slice(0, 5)) {
        out.push(`      ${f.where}: ${f.summary}`);
        out.push(
          `        ${f.knownReason === undefined ? 'NOT RECORDED in known-findings.json' : `known: ${f.knownReason}`}`,
        );
      }
    }
    for (const k of benign.staleKnown)
      out.push(`  stale known finding (nothing raises it): ${k.ruleId} in ${k.scenario}`);
    if (benign.rejected.length > 0) out.push(`  ${benign.rejected.length} records rejected`);
    if (benign.errors.length > 0) out.push(...benign.errors.map((e) => `  rule error: ${e}`));
    const tuned = benign.tuned;
    if (tuned !== undefined) {
      out.push(
        `  with the set's config.json (trusted accounts and networks, allowed principals): ` +
          SEVERITIES.map((s) => `${s} ${tuned.bySeverity[s]}`).join(', '),
      );
      for (const f of tuned.findings) {
        out.push(`  ${f.severity.padEnd(8)} ${f.ruleId} at ${f.where}`);
        if (f.knownReason !== undefined) out.push(`        still expected: ${f.knownReason}`);
        else if (ABOVE_LOW.includes(f.severity))
          out.push('        NOT EXPECTED with the tuning (no "tuned" reason in known-findings.json)');
      }
      for (const k of tuned.staleTuned)
        out.push(`  known to survive the tuning but no longer raised: ${k.ruleId} in ${k.scenario}`);
    }
    out.push('');
  }

  out.push('Totals');
  out.push(
    `  Stratus: ${stratus.detected}/${stratus.total} technique files detected by a rule naming the technique`,
  );
  out.push(
    `  Panther: ${panther.referenced.filter((r) => r.rows > 0).length} rules referenced; ${panther.counted} rows counted, ` +
      `${panther.agreed} agree (${percent(panther.agreement)}), ${panther.disagreed} disagree ` +
      `(${panther.deliberate} deliberate); ${panther.mocks} mocks rows and ${panther.unevaluated} unevaluated rows not counted`,
  );
  const deliberateHigh = panther.highFalsePositives.filter((r) => r.outcome === 'deliberate').length;
  out.push(
    `  High/critical findings on Panther rows expected false: ${panther.highFalsePositives.length - deliberateHigh}` +
      ` (plus ${deliberateHigh} deliberate)`,
  );
  if (benign !== undefined) {
    out.push(
      `  Benign: ${SEVERITIES.map((s) => `${benign.bySeverity[s]} ${s}`).join(', ')}; ` +
        `${benign.unrecordedAboveLow} above low not recorded in known-findings.json`,
    );
    if (benign.tuned !== undefined) {
      const tuned = benign.tuned;
      out.push(
        `  Benign with config.json: ${SEVERITIES.map((s) => `${tuned.bySeverity[s]} ${s}`).join(', ')}`,
      );
    }
  }
  out.push('', 'Targets');
  for (const t of report.targets) out.push(`  ${formatTarget(t)}`);
  out.push('', report.pass ? 'All targets met.' : 'Some targets are not met.');
  return out;
}
