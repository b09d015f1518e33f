/**
 * The output formats, each written as findings arrive: JSON Lines and the table line by line, JSON and SARIF as
 * documents whose findings are streamed between a head and a tail, HTML folded into counts and a capped table. No
 * format holds every finding, so output does not make memory grow with the number of findings.
 */
import type { Rule } from '../../../lambdas/engine/types';
import type { Problem, ScanFinding, ScanSummary } from '../types';
import { HtmlReport } from './html';
import { sarifFrame, sarifResult } from './sarif';
import { TableFormatter } from './table';

export const FORMATS = ['table', 'json', 'jsonl', 'sarif', 'html'] as const;
export type ScanFormat = (typeof FORMATS)[number];

/** Where text goes, a line at a time (the sink adds the newline). */
export interface Sink {
  write(line: string): Promise<void>;
}

export interface FindingWriter {
  begin(): Promise<void>;
  finding(finding: ScanFinding): Promise<void>;
  end(result: { summary: ScanSummary; problems: readonly Problem[] }): Promise<void>;
}

export interface WriterContext {
  readonly rules: readonly Rule[];
  /** TrailGuard's version, for SARIF. */
  readonly version: string;
  readonly now?: () => Date;
}

/** Writes JSON values as lines of an array, with commas between them (each value is held until the next). */
class JsonArrayLines {
  private held: string | undefined;

  constructor(
    private readonly sink: Sink,
    private readonly indent: string,
  ) {}

  async push(value: unknown): Promise<void> {
    if (this.held !== undefined) await this.sink.write(`${this.indent}${this.held},`);
    this.held = JSON.stringify(value);
  }

  async flush(): Promise<void> {
    if (this.held !== undefined) await this.sink.write(`${this.indent}${this.held}`);
    this.held = undefined;
  }
}

export function createWriter(format: ScanFormat, sink: Sink, context: WriterContext): FindingWriter {
  switch (format) {
    case 'jsonl':
      return {
        async begin() {},
        finding: (f) => sink.write(JSON.stringify(f)),
        async end() {},
      };
    case 'json': {
      const items = new JsonArrayLines(sink, '    ');
      return {
        begin: () => sink.write('{\n  "findings": ['),
        finding: (f) => items.push(f),
        async end({ summary, problems }) {
          await items.flush();
          await sink.write('  ],');
          // The rest of the document: `{ "summary": ..., "problems": [...] }` without its opening brace.
          await sink.write(JSON.stringify({ summary, problems }, null, 2).slice(2));
        },
      };
    }
    case 'sarif': {
      const ruleIndex = new Map(context.rules.map((r, i) => [r.id, i]));
      const results = new JsonArrayLines(sink, '        ');
      return {
        begin: () => sink.write(sarifFrame(context).before),
        finding: (f) => results.push(sarifResult(f, ruleIndex)),
        async end({ summary, problems }) {
          await results.flush();
          await sink.write(sarifFrame({ ...context, summary, problems }).after);
        },
      };
    }
    case 'table': {
      const table = new TableFormatter(context.rules.map((r) => r.id));
      let rows = 0;
      return {
        async begin() {},
        async finding(f) {
          if (rows++ === 0) await sink.write(table.header());
          await sink.write(table.row(f));
        },
        async end() {
          if (rows === 0) await sink.write('No findings.');
        },
      };
    }
    case 'html': {
      const report = new HtmlReport(context.rules);
      return {
        async begin() {},
        async finding(f) {
          report.add(f);
        },
        end: ({ summary, problems }) =>
          sink.write(
            report.render({ summary, problems, generatedAt: (context.now ?? (() => new Date()))() }),
          ),
      };
    }
  }
}
