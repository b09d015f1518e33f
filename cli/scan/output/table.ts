/**
 * The findings as a plain-text table for a terminal, one row as each finding is raised (nothing is held back, so a
 * long scan shows results as it goes). Column widths are fixed up front; every cell is cleaned and cut to its
 * width, because CloudTrail text is untrusted and may carry terminal escapes.
 */
import { cleanText } from '../../../lambdas/shared/text';
import type { ScanFinding } from '../types';

/** `arn:aws:iam::111122223333:user/ops/alice` → `user/ops/alice`: the part people read. */
export function shortPrincipal(finding: Pick<ScanFinding, 'principal' | 'principalType'>): string {
  const arn = finding.principal;
  if (arn === null) return finding.principalType;
  const match = /^arn:[^:]*:[^:]*:[^:]*:[^:]*:(.+)$/.exec(arn);
  return match?.[1] ?? arn;
}

/** `2025-03-11T06:41:09.000Z` → `2025-03-11T06:41:09Z`. */
export function shortTime(iso: string): string {
  return iso.replace(/\.000Z$/, 'Z');
}

export class TableFormatter {
  private readonly columns: readonly { title: string; width: number; cell: (f: ScanFinding) => string }[];

  /** `ruleIds`: the rules scanned, so the rule column fits the longest id. */
  constructor(ruleIds: readonly string[]) {
    this.columns = [
      { title: 'TIME', width: 20, cell: (f) => shortTime(f.eventTime) },
      { title: 'SEVERITY', width: 8, cell: (f) => f.severity },
      {
        title: 'RULE',
        width: Math.min(56, Math.max(4, ...ruleIds.map((id) => id.length))),
        cell: (f) => f.ruleId,
      },
      { title: 'PRINCIPAL', width: 32, cell: (f) => shortPrincipal(f) },
      { title: 'SOURCE IP', width: 15, cell: (f) => f.sourceIp ?? '' },
      { title: 'SUMMARY', width: 160, cell: (f) => f.summary },
    ];
  }

  header(): string {
    return this.line(this.columns.map((c) => c.title));
  }

  row(finding: ScanFinding): string {
    return this.line(this.columns.map((c) => cleanText(c.cell(finding), c.width)));
  }

  private line(cells: readonly string[]): string {
    const last = cells.length - 1;
    return cells
      .map((cell, i) => (i === last ? cell : cell.padEnd(this.columns[i]?.width ?? 0)))
      .join('  ')
      .trimEnd();
  }
}
