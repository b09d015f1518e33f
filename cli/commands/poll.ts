import { parseArgs } from 'node:util';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { NO_CONTEXT } from '../../lambdas/engine/context';
import { DetectionEngine } from '../../lambdas/engine/engine';
import { InMemoryStateStore } from '../../lambdas/engine/state/memory';
import type { CloudTrailRecord, Finding } from '../../lambdas/engine/types';
import { InMemoryCheckpointStore } from '../../lambdas/poller/checkpoint';
import { collectRegion, type RegionResult } from '../../lambdas/poller/collect';
import {
  InvalidLookupAttributeError,
  LOOKUP_LIMITS,
  parseLookupAttribute,
} from '../../lambdas/poller/lookup';
import { InvalidRegionError, parseRegions, pollRegions } from '../../lambdas/poller/regions';
import { realClock, TokenBucket } from '../../lambdas/poller/token-bucket';
import { catalog } from '../../lambdas/rules';
import type { Log } from '../../lambdas/shared/log';
import { cleanText } from '../../lambdas/shared/text';
import { configOption } from '../config/config-file';
import { type Command, UsageError } from '../types';
import { clientConfig, defaultRegion, OPS_AWS_OPTIONS } from './ops-aws';

const USAGE = `trailguard poll --since <when> [options]

Reads CloudTrail's event history (LookupEvents) from <when> until now, in us-east-1 (global services: IAM, STS,
sign-in) and each --region, and runs the detection catalog over it locally, as the deployed poller and analyzer
would. Nothing is sent anywhere; state (thresholds, dedupe) lives in memory for this run. A first look at an account.
LookupEvents allows 2 requests per second per region (50 events each): 24 hours of a busy account take minutes.

options:
  --since <when>       how far back: 30m, 2h, 7d, or an ISO 8601 time (at most 90 days ago)
  --region REGION      a region to read, repeatable (default: your configured region; us-east-1 is always read)
  --lookup KEY=VALUE   the one lookup attribute LookupEvents allows, e.g. EventSource=iam.amazonaws.com or
                       Username=alice (keys: EventId, EventName, ReadOnly, Username, ResourceType, ResourceName,
                       EventSource, AccessKeyId)
  --format <f>         table | json (default: table)
  --config <file>      run-time settings as in SSM (trusted accounts and networks, allowed principals, modes,
                       thresholds), in the format of trailguard scan --config
  --profile NAME       named profile from your AWS config and credentials files
  --endpoint-url URL   send every AWS call to this endpoint (an emulator)

exit codes: 0 read and analysed; 1 LookupEvents failed or kept throttling in a region (the rest is reported);
2 usage error.`;

/** `30m`, `2h`, `7d` or an ISO 8601 time → epoch milliseconds, checked against the 90 days LookupEvents keeps. */
export function parseSince(text: string, now: number): number {
  const relative = /^(\d+)([mhd])$/.exec(text.trim());
  let at: number;
  if (relative) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 'm' | 'h' | 'd'];
    at = now - Number(relative[1]) * unit;
  } else if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    at = Date.parse(text);
    if (Number.isNaN(at)) throw new UsageError(`--since "${text}" is not a date`);
  } else {
    throw new UsageError(`--since must be like 30m, 2h, 7d or an ISO 8601 time, got "${text}"`);
  }
  if (at >= now) throw new UsageError(`--since "${text}" is not in the past`);
  if (now - at > LOOKUP_LIMITS.retentionMs) {
    throw new UsageError(
      `--since "${text}" is more than 90 days ago; CloudTrail's event history keeps 90 days`,
    );
  }
  return at;
}

const COLUMNS = [
  { title: 'TIME', max: 20, cell: (f: Finding) => f.eventTime.replace(/\.\d{3}Z$/, 'Z') },
  { title: 'SEVERITY', max: 8, cell: (f: Finding) => f.severity },
  { title: 'RULE', max: 48, cell: (f: Finding) => f.ruleId },
  { title: 'REGION', max: 16, cell: (f: Finding) => f.region ?? '' },
  {
    title: 'PRINCIPAL',
    max: 60,
    cell: (f: Finding) => f.principal.arn ?? f.principal.identityArn ?? f.principal.type,
  },
  { title: 'SUMMARY', max: 160, cell: (f: Finding) => f.summary },
] as const;

/** The findings as a table; every cell is cleaned, CloudTrail text is untrusted. */
function findingsTable(findings: readonly { finding: Finding }[]): string[] {
  if (findings.length === 0) return ['No findings.'];
  const rows = findings.map(({ finding }) => COLUMNS.map((c) => cleanText(c.cell(finding), c.max)));
  const widths = COLUMNS.map((c, i) => Math.max(c.title.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(COLUMNS.map((c) => c.title)), ...rows.map(line)];
}

const quietLog: Log = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

export const poll: Command = {
  usage: USAGE,
  async run({ args, out, err }) {
    const { values } = parseArgs({
      args: [...args],
      options: {
        ...OPS_AWS_OPTIONS,
        region: { type: 'string', multiple: true },
        since: { type: 'string' },
        lookup: { type: 'string' },
        format: { type: 'string', default: 'table' },
        config: { type: 'string' },
      },
    });
    const loaded = configOption(values.config, catalog);
    if (values.format !== 'table' && values.format !== 'json') {
      throw new UsageError(`--format must be table or json, got "${values.format}"`);
    }
    if (values.since === undefined) throw new UsageError('--since is required (e.g. --since 2h)');
    const now = Date.now();
    const since = parseSince(values.since, now);
    let regions: string[];
    let lookupAttribute: ReturnType<typeof parseLookupAttribute> | undefined;
    try {
      const configured = parseRegions(values.region ?? []);
      const home = configured[0] ?? defaultRegion() ?? 'us-east-1';
      regions = pollRegions(configured, home);
      lookupAttribute = values.lookup === undefined ? undefined : parseLookupAttribute(values.lookup);
    } catch (error) {
      if (error instanceof InvalidRegionError || error instanceof InvalidLookupAttributeError) {
        throw new UsageError(
          `--${error instanceof InvalidRegionError ? 'region' : 'lookup'}: ${error.message}`,
        );
      }
      throw error;
    }

    const clients = new Map<string, CloudTrailClient>();
    const cloudTrail = (region: string) => {
      let client = clients.get(region);
      if (!client) {
        client = new CloudTrailClient(clientConfig(values, region));
        clients.set(region, client);
      }
      return client;
    };
    // As the deployed analyzer would: each rule's default mode, or what the --config file sets.
    const engine = new DetectionEngine(catalog, {
      state: new InMemoryStateStore(),
      settings: (rule) => loaded?.config.rules.get(rule.id) ?? { mode: rule.defaultMode },
      context: () => loaded?.config.context ?? NO_CONTEXT,
    });
    const findings: { finding: Finding }[] = [];
    const analyse = async (records: CloudTrailRecord[]) => {
      for (const record of records) {
        const { findings: fresh } = await engine.analyze(record);
        if (fresh.length === 0) continue;
        await engine.markEmitted(fresh);
        for (const finding of fresh) findings.push({ finding });
      }
    };
    // Regions are read in parallel but analysed one page at a time, so "already emitted" checks never race.
    let tail: Promise<unknown> = Promise.resolve();
    const sink = (records: CloudTrailRecord[]): Promise<void> => {
      const run = tail.then(() => analyse(records));
      tail = run.catch(() => undefined);
      return run;
    };
    const settled = await Promise.allSettled(
      regions.map((region) =>
        collectRegion(
          region,
          {
            cloudTrail,
            bucket: () => new TokenBucket({ ratePerSecond: LOOKUP_LIMITS.requestsPerSecond }),
            checkpoints: new InMemoryCheckpointStore(),
            sink,
            log: quietLog,
            now: realClock.now,
            sleep: realClock.sleep,
          },
          { firstStart: since, overlapMs: 0, maxWindowMs: LOOKUP_LIMITS.retentionMs, lookupAttribute },
        ),
      ),
    );
    for (const client of clients.values()) client.destroy();

    findings.sort((a, b) => Date.parse(a.finding.eventTime) - Date.parse(b.finding.eventTime));
    if (values.format === 'json')
      out(
        JSON.stringify(
          findings.map((f) => f.finding),
          null,
          2,
        ),
      );
    else for (const line of findingsTable(findings)) out(line);

    let failed = 0;
    for (const [i, outcome] of settled.entries()) {
      const region = regions[i] as string;
      if (outcome.status === 'fulfilled') {
        const r: RegionResult = outcome.value;
        const notes = [
          ...(r.invalid > 0 ? [`${r.invalid} unreadable`] : []),
          ...(r.status === 'throttled'
            ? ['stopped: LookupEvents kept throttling, later events were not read']
            : []),
        ];
        err(`${region}: ${r.events} event(s) in ${r.pages} page(s)${notes.map((n) => `, ${n}`).join('')}`);
        if (r.status !== 'caught-up') failed += 1;
      } else {
        failed += 1;
        const reason = outcome.reason as Error;
        err(`${region}: LookupEvents failed: ${reason.name}: ${reason.message}`);
      }
    }
    err(`${findings.length} finding(s) since ${new Date(since).toISOString()}`);
    return failed > 0 ? 1 : 0;
  },
};
