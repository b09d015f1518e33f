import { once } from 'node:events';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { SEVERITIES, type Severity } from '../../lambdas/engine/types';
import { catalog } from '../../lambdas/rules';
import { configOption } from '../config/config-file';
import { expandInputs } from '../scan/inputs';
import { createWriter, FORMATS, type ScanFormat, type Sink } from '../scan/output/writers';
import { StderrReporter } from '../scan/report';
import { RuleSelectionError, selectRules } from '../scan/rules';
import { runScan } from '../scan/scanner';
import type { Problem } from '../scan/types';
import { type Command, UsageError } from '../types';

/** Problems kept for the json, sarif and html outputs (all are counted in the summary). */
const MAX_KEPT_PROBLEMS = 1000;

/** Exit codes (the CLI's 0/1/2, with 2 also meaning "`--fail-on` hit"). */
export const EXIT = { ok: 0, unreadableInput: 1, failOn: 2 } as const;

const USAGE = `trailguard scan [options] <path...|->

Runs the detection catalog over archived CloudTrail logs: files, directories (recursive) and - for stdin.
Inputs: CloudTrail log files ({"Records":[...]}), JSON Lines, JSON arrays of records, EventBridge events
(the record under "detail"); gzip or not. The layout is detected from the content. Events reach the engine in
event-time order: files by CloudTrail delivery time, events through a 15-minute reorder window.

options:
  --format <f>          table | json | jsonl | sarif | html (default: table on a terminal, jsonl when piped;
                        with --output, from its extension: .html, .sarif, .json, .jsonl)
  -o, --output <file>   write the findings there instead of stdout
  --rules <ids>         rule ids or globs, comma-separated or repeated (e.g. 'iam.*,signin.console-login-failures')
  --min-severity <s>    only rules at or above: info | low | medium | high | critical
  --since <time>        only events at or after this time (ISO 8601: 2025-03-01 or 2025-03-01T12:00:00Z)
  --until <time>        only events before this time
  --ignore-thresholds   report every event that matches a threshold or sequence rule's pattern (hunting)
  --fail-on <s>         exit 2 when a finding at or above this severity exists (for CI)
  --config <file>       run-time settings as the Lambdas read them from SSM: trusted accounts and networks, allowed
                        principals, modes, thresholds. A JSON object of parameter names relative to the prefix
                        ({"context/trusted-accounts": "111122223333"}) or the output of
                        aws ssm get-parameters-by-path --path /trailguard --recursive
  --workers <n>         parser threads (default: one per core for many files; 0 parses on the main thread)

exit codes: 0 scan complete (and no finding at or above --fail-on); 1 an input could not be read at all (the rest
was scanned); 2 a finding at or above --fail-on (takes precedence over 1), or a usage error (nothing scanned).`;

function formatFromExtension(path: string): ScanFormat {
  switch (extname(path).toLowerCase()) {
    case '.html':
    case '.htm':
      return 'html';
    case '.sarif':
      return 'sarif';
    case '.json':
      return 'json';
    default:
      return 'jsonl';
  }
}

function severityOption(name: string, value: string | undefined): Severity | undefined {
  if (value === undefined) return undefined;
  if (!(SEVERITIES as readonly string[]).includes(value)) {
    throw new UsageError(`--${name} must be one of ${SEVERITIES.join(', ')}, got "${value}"`);
  }
  return value as Severity;
}

/** An ISO 8601 date (UTC midnight) or date-time with a zone; epoch ms. */
export function parseTimeOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const zoned = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value);
  const time = dateOnly ? Date.parse(`${value}T00:00:00Z`) : zoned ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time)) {
    throw new UsageError(
      `--${name} must be an ISO 8601 date or date-time with a zone (2025-03-01 or 2025-03-01T12:00:00Z), got "${value}"`,
    );
  }
  return time;
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** A file for `--output`, written with backpressure. */
async function fileSink(path: string): Promise<Sink & { close(): Promise<void> }> {
  const stream: WriteStream = createWriteStream(path);
  await Promise.race([
    once(stream, 'open'),
    once(stream, 'error').then(([error]) => {
      throw new Error(`cannot write --output ${path}: ${(error as Error).message}`);
    }),
  ]);
  return {
    async write(text) {
      if (!stream.write(`${text}\n`)) await once(stream, 'drain');
    },
    async close() {
      stream.end();
      await once(stream, 'finish');
    },
  };
}

export const scan: Command = {
  usage: USAGE,
  async run({ args, out, err, stdin, stdoutIsTTY, stderrIsTTY }) {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        output: { type: 'string', short: 'o' },
        rules: { type: 'string', multiple: true },
        'min-severity': { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        'ignore-thresholds': { type: 'boolean', default: false },
        'fail-on': { type: 'string' },
        workers: { type: 'string' },
        config: { type: 'string' },
      },
    });
    if (positionals.length === 0) throw new UsageError('give at least one file, directory or - (stdin)');
    const format = (values.format ??
      (values.output !== undefined
        ? formatFromExtension(values.output)
        : stdoutIsTTY
          ? 'table'
          : 'jsonl')) as ScanFormat;
    if (!FORMATS.includes(format))
      throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${format}"`);
    const minSeverity = severityOption('min-severity', values['min-severity']);
    const failOn = severityOption('fail-on', values['fail-on']);
    const since = parseTimeOption('since', values.since);
    const until = parseTimeOption('until', values.until);
    if (since !== undefined && until !== undefined && since >= until) {
      throw new UsageError('--since must be before --until');
    }
    let workers: number | undefined;
    if (values.workers !== undefined) {
      workers = Number(values.workers);
      if (!/^\d+$/.test(values.workers) || workers > 64) {
        throw new UsageError(`--workers must be a whole number from 0 to 64, got "${values.workers}"`);
      }
    }
    let rules: ReturnType<typeof selectRules>;
    try {
      rules = selectRules(values.rules ?? [], minSeverity);
    } catch (error) {
      if (error instanceof RuleSelectionError) throw new UsageError(error.message);
      throw error;
    }
    if (rules.length === 0) throw new UsageError('no rule left to run after --rules and --min-severity');
    const config = configOption(values.config, catalog);
    if (positionals.includes('-') && stdin === undefined)
      throw new UsageError('- given but there is no stdin');

    const reporter = new StderrReporter(err, stderrIsTTY === true);
    const sink =
      values.output !== undefined
        ? await fileSink(values.output)
        : {
            async write(text: string) {
              // Both on one terminal: the progress bar must not be drawn over (or erase) what stdout prints.
              if (stdoutIsTTY) reporter.yieldLine();
              out(text);
            },
            async close() {},
          };
    const writer = createWriter(format, sink, { rules, version: packageVersion() });
    const problems: Problem[] = [];
    const floor = failOn === undefined ? undefined : SEVERITIES.indexOf(failOn);
    let failOnHit = false;
    let summary: Awaited<ReturnType<typeof runScan>>;
    try {
      await writer.begin();
      summary = await runScan({
        inputs: await expandInputs(positionals),
        rules,
        ignoreThresholds: values['ignore-thresholds'],
        config,
        since,
        until,
        workers,
        stdin,
        async onFinding(finding) {
          if (floor !== undefined && SEVERITIES.indexOf(finding.severity) >= floor) failOnHit = true;
          await writer.finding(finding);
        },
        onProblem(problem) {
          if (problems.length < MAX_KEPT_PROBLEMS) problems.push(problem);
          reporter.problem(problem);
        },
        onProgress: (progress) => reporter.progress(progress),
      });
      await writer.end({ summary, problems });
    } finally {
      await sink.close();
    }
    reporter.summary(summary);
    if (failOnHit) return EXIT.failOn;
    return summary.files.unreadable > 0 ? EXIT.unreadableInput : EXIT.ok;
  },
};
