import { parseArgs } from 'node:util';
import type { AuditRecord } from '../../lambdas/adapters/dynamodb-audit';
import { cleanText } from '../../lambdas/shared/text';
import { type Command, UsageError } from '../types';
import { AWS_OPTIONS, AWS_USAGE, cliAws, parseSince } from './remediations-aws';

const COLUMNS = ['UPDATED', 'FINDING/STEP', 'ACTION', 'MODE', 'STATUS', 'DETAIL'] as const;

function row(record: AuditRecord): string[] {
  const detail =
    record.status === 'undone' && record.undo !== undefined
      ? `undone by ${record.undo.by} at ${record.undo.at}`
      : (record.reason ?? '');
  return [
    record.updatedAt.replace(/\.\d+Z$/, 'Z'),
    `${record.findingId}/${record.stepKey}`,
    record.actionId,
    record.mode,
    record.status,
    // Reasons quote CloudTrail values: one clean line each, capped.
    cleanText(detail, 100),
  ].map((cell) => cleanText(cell, 200));
}

/** `trailguard remediations list`: the audit trail, newest decisions of the window, one line per step. */
export const remediationsList: Command = {
  usage:
    'trailguard remediations list [--since 24h] [--format table|json] [--table NAME] [--region REGION]\n' +
    '                             [--profile NAME] [--endpoint-url URL]\n' +
    '  --since WHEN         steps decided or changed since a duration ago (90m, 24h, 7d) or an ISO time; default 24h\n' +
    '  --format FORMAT      table (default) or json (every recorded field, for machines)\n' +
    AWS_USAGE,
  async run({ args, out }) {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: {
        ...AWS_OPTIONS,
        since: { type: 'string', default: '24h' },
        format: { type: 'string', default: 'table' },
      },
      allowPositionals: true,
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]?.slice(0, 80)}"`);
    if (values.format !== 'table' && values.format !== 'json') {
      throw new UsageError(`--format must be table or json, got "${values.format}"`);
    }
    const since = parseSince(values.since, new Date());
    const aws = cliAws(values);
    try {
      const records = await aws.audit.list(since);
      if (values.format === 'json') {
        out(JSON.stringify(records, null, 2));
        return 0;
      }
      if (records.length === 0) {
        out(`no remediation steps recorded in ${aws.tableName} since ${since.toISOString()}`);
        return 0;
      }
      const rows = records.map(row);
      const widths = COLUMNS.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
      const line = (cells: readonly string[]) =>
        cells
          .map((c, i) => c.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd();
      out(line(COLUMNS));
      for (const r of rows) out(line(r));
      return 0;
    } finally {
      aws.destroy();
    }
  },
};
