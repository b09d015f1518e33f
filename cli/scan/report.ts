/**
 * What the scan tells people on stderr: input problems as they are met (the first few, all counted), a progress
 * bar when stderr is a terminal, and the summary at the end. The progress line is redrawn in place: each update
 * moves the cursor up over the previous one and clears it (stderr is written a line at a time).
 */
import { SEVERITIES } from '../../lambdas/engine/types';
import { cleanText } from '../../lambdas/shared/text';
import { describeLocation } from './location';
import type { ScanProgress } from './scanner';
import type { Problem, ScanSummary } from './types';

/** Problems printed as they happen; the rest are only counted. */
export const MAX_PRINTED_PROBLEMS = 20;
const PROGRESS_INTERVAL_MS = 200;
/** Cursor up one line, clear the line. */
const REDRAW = '\u001b[1A\u001b[2K';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

const number = (n: number) => n.toLocaleString('en-US');

export function progressLine(p: ScanProgress): string {
  const seconds = p.elapsedMs / 1000;
  const rate = seconds > 0 ? Math.round(p.events / seconds) : 0;
  const fraction =
    p.bytesTotal > 0
      ? Math.min(1, p.bytesDone / p.bytesTotal)
      : p.filesTotal > 0
        ? p.filesDone / p.filesTotal
        : 0;
  const width = 20;
  const filled = Math.round(fraction * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}%`;
  return `${bar}  files ${number(p.filesDone)}/${number(p.filesTotal)}  events ${number(p.events)}  ${number(rate)} events/s  findings ${number(p.findings)}`;
}

export class StderrReporter {
  private printed = 0;
  private notPrinted = 0;
  private progressShown = false;
  private lastDraw = 0;

  constructor(
    private readonly err: (text: string) => void,
    private readonly tty: boolean,
    private readonly now: () => number = () => performance.now(),
  ) {}

  problem(p: Problem): void {
    if (this.printed >= MAX_PRINTED_PROBLEMS) {
      this.notPrinted++;
      return;
    }
    this.printed++;
    const level = p.kind === 'unreadable' ? 'error' : 'warning';
    this.write(
      `${level}: ${cleanText(describeLocation(p.file, p.location), 300)}: ${cleanText(p.message, 300)}`,
    );
  }

  /** Draws the progress bar (terminals only), at most every 200 ms. */
  progress(p: ScanProgress): void {
    if (!this.tty) return;
    const now = this.now();
    if (this.progressShown && now - this.lastDraw < PROGRESS_INTERVAL_MS) return;
    this.lastDraw = now;
    this.err(`${this.progressShown ? REDRAW : ''}${progressLine(p)}`);
    this.progressShown = true;
  }

  /**
   * Clears the progress bar before something else writes to the same terminal (the table on stdout): up, clear,
   * up again, so the newline `err` adds brings the cursor back to the cleared line.
   */
  yieldLine(): void {
    if (!this.progressShown) return;
    this.err(`${REDRAW}\u001b[1A`);
    this.progressShown = false;
  }

  /** Replaces the progress bar with the summary. */
  summary(summary: ScanSummary): void {
    const lines = summaryLines(summary);
    if (this.notPrinted > 0) lines.unshift(`(${number(this.notPrinted)} more problems not shown)`);
    for (const line of lines) this.write(line);
  }

  private write(line: string): void {
    this.err(this.progressShown ? `${REDRAW}${line}` : line);
    this.progressShown = false;
  }
}

export function summaryLines(s: ScanSummary): string[] {
  const seconds = s.elapsedMs / 1000;
  const files = [
    `${number(s.files.scanned)} inputs scanned`,
    ...(s.files.unreadable > 0 ? [`${number(s.files.unreadable)} unreadable`] : []),
    ...(s.files.damaged > 0 ? [`${number(s.files.damaged)} damaged (read up to the damage)`] : []),
    ...(s.files.skipped > 0 ? [`${number(s.files.skipped)} skipped (digest or not JSON)`] : []),
  ];
  const lines = [
    `scan: ${files.join(', ')}; ${formatBytes(s.bytes.input)} read, ${formatBytes(s.bytes.decompressed)} decompressed`,
    `events: ${number(s.events.read)} read${s.events.first ? ` (${s.events.first} to ${s.events.last})` : ''}, ` +
      `${number(s.events.outsideRange)} outside --since/--until, ${number(s.events.candidates)} matched a rule pattern, ` +
      `${number(s.events.late)} later than the ${s.reorderWindowSeconds} s reorder window`,
    `bad records skipped: ${number(s.badRecords)}` +
      (s.problems.total > 0
        ? ` (problems: ${Object.entries(s.problems.byKind)
            .map(([k, n]) => `${k} ${number(n)}`)
            .join(', ')})`
        : ''),
  ];
  const bySeverity = [...SEVERITIES]
    .reverse()
    .filter((sev) => (s.findings.bySeverity[sev] ?? 0) > 0)
    .map((sev) => `${sev} ${number(s.findings.bySeverity[sev] ?? 0)}`);
  lines.push(
    `findings: ${number(s.findings.total)}${bySeverity.length > 0 ? ` (${bySeverity.join(', ')})` : ''}`,
  );
  const byRule = Object.entries(s.findings.byRule).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const width = Math.max(0, ...byRule.map(([, n]) => number(n).length));
  for (const [rule, n] of byRule) lines.push(`  ${number(n).padStart(width)}  ${rule}`);
  lines.push(
    `elapsed: ${seconds.toFixed(2)} s, ${number(s.eventsPerSecond)} events/s, ${s.workers === 0 ? 'no parser threads' : `${s.workers} parser threads`}, peak memory ${formatBytes(s.peakRssBytes)}`,
  );
  return lines;
}
