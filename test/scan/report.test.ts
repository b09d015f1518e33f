import { describe, expect, it } from 'vitest';
import { MAX_PRINTED_PROBLEMS, StderrReporter } from '../../cli/scan/report';
import type { ScanProgress } from '../../cli/scan/scanner';

const REDRAW = '\u001b[1A\u001b[2K';

function progress(events: number): ScanProgress {
  return {
    filesDone: 1,
    filesTotal: 4,
    bytesDone: 250,
    bytesTotal: 1000,
    events,
    findings: 2,
    elapsedMs: 1000,
  };
}

describe('StderrReporter', () => {
  it('redraws the progress bar in place at most every 200 ms on a terminal', () => {
    // Prepare
    const lines: string[] = [];
    let now = 0;
    const reporter = new StderrReporter(
      (s) => lines.push(s),
      true,
      () => now,
    );
    // Act
    reporter.progress(progress(10));
    now = 100;
    reporter.progress(progress(20));
    now = 300;
    reporter.progress(progress(30));
    // Assess
    expect(lines).toEqual([
      '[#####---------------]  25%  files 1/4  events 10  10 events/s  findings 2',
      `${REDRAW}[#####---------------]  25%  files 1/4  events 30  30 events/s  findings 2`,
    ]);
  });

  it('draws nothing when stderr is not a terminal', () => {
    // Prepare
    const lines: string[] = [];
    const reporter = new StderrReporter((s) => lines.push(s), false);
    // Act
    reporter.progress(progress(10));
    reporter.yieldLine();
    // Assess
    expect(lines).toEqual([]);
  });

  it('clears the bar before stdout writes to the same terminal, and draws it afresh after', () => {
    // Prepare
    const lines: string[] = [];
    let now = 0;
    const reporter = new StderrReporter(
      (s) => lines.push(s),
      true,
      () => now,
    );
    reporter.progress(progress(10));
    // Act
    reporter.yieldLine();
    now = 1000;
    reporter.progress(progress(20));
    // Assess
    expect(lines[1]).toBe(`${REDRAW}\u001b[1A`);
    expect(lines[2]?.startsWith('[')).toBe(true);
  });

  it('prints the first problems, cleaned of terminal escapes, and counts the rest', () => {
    // Prepare
    const lines: string[] = [];
    const reporter = new StderrReporter((s) => lines.push(s), false);
    // Act
    for (let i = 0; i < MAX_PRINTED_PROBLEMS + 3; i++) {
      reporter.problem({
        kind: 'invalid-record',
        file: 'a.jsonl',
        location: { line: i + 1 },
        message: 'field "eventTime" is not a date: \u001b[31mred\u001b[0m',
      });
    }
    reporter.summary({
      files: { scanned: 1, unreadable: 0, damaged: 0, skipped: 0 },
      events: { read: 0, outsideRange: 0, candidates: 0, late: 0, first: null, last: null },
      bytes: { input: 10, decompressed: 10 },
      badRecords: MAX_PRINTED_PROBLEMS + 3,
      problems: { total: MAX_PRINTED_PROBLEMS + 3, byKind: { 'invalid-record': MAX_PRINTED_PROBLEMS + 3 } },
      findings: { total: 0, bySeverity: {}, byRule: {} },
      elapsedMs: 5,
      eventsPerSecond: 0,
      peakRssBytes: 1024 * 1024,
      workers: 0,
      reorderWindowSeconds: 900,
    });
    // Assess
    expect(lines[0]).toBe('warning: a.jsonl:1: field "eventTime" is not a date: [31mred [0m');
    expect(lines.filter((l) => l.startsWith('warning:'))).toHaveLength(MAX_PRINTED_PROBLEMS);
    expect(lines).toContain('(3 more problems not shown)');
    expect(lines.some((l) => l.includes('\u001b'))).toBe(false);
  });
});
