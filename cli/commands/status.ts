import { parseArgs } from 'node:util';
import { CloudTrailClient, DescribeTrailsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeRuleCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetParameterCommand, GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';
import { z } from 'zod';
import { DynamoDbCheckpointStore } from '../../lambdas/adapters/dynamodb-checkpoint';
import { DynamoDbLastFinding } from '../../lambdas/adapters/dynamodb-last-finding';
import { parameterKind, parseRuntimeConfig } from '../../lambdas/config/runtime-config';
import { RULE_MODES } from '../../lambdas/engine/types';
import { catalog } from '../../lambdas/rules';
import { DEFAULT_CONFIG_PREFIX, ssmNames } from '../../lambdas/shared/contract';
import { cleanText } from '../../lambdas/shared/text';
import type { DeploymentManifest } from '../../lib/constructs/monitoring-manifest';
import { type Command, UsageError } from '../types';
import { type ClientConfig, clientConfig, OPS_AWS_OPTIONS, OPS_AWS_USAGE } from './ops-aws';

const USAGE = `trailguard status [--prefix PATH] [--format table|json] [options]

One screen on a deployed stack: trail logging, the EventBridge rules, queue and dead-letter queue depths, the
poller's position per region, the last finding, the kill switch and rule modes. It reads the deployment manifest
the stack writes to SSM (<prefix>/deployment) and needs read access to CloudTrail, EventBridge, SQS, DynamoDB and
SSM in the stack's region.

options:
  --prefix PATH        SSM path of the configuration (default: ${DEFAULT_CONFIG_PREFIX})
  --format <f>         table | json (default: table)
${OPS_AWS_USAGE}

exit codes: 0 healthy (warnings allowed); 1 the deployment could not be read; 2 usage error; 3 something needs
attention (a line marked FAIL).`;

export const STATUS_EXIT = { healthy: 0, unreadable: 1, unhealthy: 3 } as const;

type Level = 'ok' | 'info' | 'warn' | 'fail';

export interface StatusLine {
  readonly level: Level;
  readonly area: string;
  readonly text: string;
}

const manifestSchema = z.object({
  version: z.literal(1),
  stackName: z.string(),
  region: z.string(),
  configPrefix: z.string(),
  stateTable: z.string(),
  queues: z.array(z.object({ name: z.string(), url: z.string().optional(), deadLetterUrl: z.string() })),
  rules: z.array(z.object({ name: z.string(), purpose: z.string() })),
  pollerRegions: z.array(z.string()),
  pollerRateMinutes: z.number().int().positive(),
  dashboardName: z.string(),
}) satisfies z.ZodType<DeploymentManifest>;

interface StatusClients {
  readonly ssm: SSMClient;
  readonly sqs: SQSClient;
  readonly events: EventBridgeClient;
  readonly dynamodb: DynamoDBClient;
  readonly cloudTrail: (region: string) => CloudTrailClient;
  destroy(): void;
}

function clients(config: ClientConfig): StatusClients {
  const trails = new Map<string, CloudTrailClient>();
  const made = {
    ssm: new SSMClient(config),
    sqs: new SQSClient(config),
    events: new EventBridgeClient(config),
    dynamodb: new DynamoDBClient(config),
  };
  return {
    ...made,
    cloudTrail: (region) => {
      let client = trails.get(region);
      if (!client) {
        client = new CloudTrailClient({ ...config, region });
        trails.set(region, client);
      }
      return client;
    },
    destroy: () => {
      for (const client of [...Object.values(made), ...trails.values()]) client.destroy();
    },
  };
}

const reason = (error: unknown) =>
  cleanText(error instanceof Error ? `${error.name}: ${error.message}` : error, 160);
const ago = (ms: number) => {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  if (s < 172_800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} days ago`;
};
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

async function trailLines(c: StatusClients, region: string): Promise<StatusLine[]> {
  const out = await c.cloudTrail(region).send(new DescribeTrailsCommand({ includeShadowTrails: true }));
  const trails = out.trailList ?? [];
  if (trails.length === 0) {
    return [
      {
        level: 'fail',
        area: 'trail',
        text: 'no trail: EventBridge receives no CloudTrail API calls without one',
      },
    ];
  }
  const lines = await Promise.all(
    trails.map(async (trail): Promise<StatusLine> => {
      const name = cleanText(trail.Name ?? trail.TrailARN ?? '?', 80);
      try {
        const status = await c
          .cloudTrail(trail.HomeRegion ?? region)
          .send(new GetTrailStatusCommand({ Name: trail.TrailARN ?? trail.Name }));
        const scope = trail.IsMultiRegionTrail ? 'all regions' : `region ${trail.HomeRegion ?? region}`;
        return status.IsLogging
          ? { level: 'ok', area: 'trail', text: `${name} (${scope}) logging` }
          : { level: 'warn', area: 'trail', text: `${name} (${scope}) NOT logging` };
      } catch (error) {
        return { level: 'warn', area: 'trail', text: `${name}: status unreadable (${reason(error)})` };
      }
    }),
  );
  // One logging trail is enough for EventBridge; none is a blind TrailGuard.
  if (!lines.some((l) => l.level === 'ok')) {
    lines.push({
      level: 'fail',
      area: 'trail',
      text: 'no trail is logging: EventBridge receives no API calls',
    });
  }
  return lines;
}

async function ruleLines(c: StatusClients, manifest: DeploymentManifest): Promise<StatusLine[]> {
  return Promise.all(
    manifest.rules.map(async (rule): Promise<StatusLine> => {
      try {
        const out = await c.events.send(new DescribeRuleCommand({ Name: rule.name }));
        return out.State === 'ENABLED'
          ? { level: 'ok', area: 'rule', text: `${rule.purpose} (${rule.name}) enabled` }
          : {
              level: 'fail',
              area: 'rule',
              text: `${rule.purpose} (${rule.name}) ${out.State ?? 'in an unknown state'}`,
            };
      } catch (error) {
        return { level: 'fail', area: 'rule', text: `${rule.purpose} (${rule.name}): ${reason(error)}` };
      }
    }),
  );
}

async function depth(c: StatusClients, url: string): Promise<{ visible: number; inFlight: number }> {
  const out = await c.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    visible: Number(out.Attributes?.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}

async function queueLines(c: StatusClients, manifest: DeploymentManifest): Promise<StatusLine[]> {
  const lines = await Promise.all(
    manifest.queues.flatMap((queue) => [
      ...(queue.url === undefined
        ? []
        : [
            depth(c, queue.url)
              .then(
                (d): StatusLine => ({
                  level: 'ok',
                  area: 'queue',
                  text: `${queue.name}: ${d.visible} waiting, ${d.inFlight} in flight`,
                }),
              )
              .catch(
                (error): StatusLine => ({
                  level: 'fail',
                  area: 'queue',
                  text: `${queue.name}: ${reason(error)}`,
                }),
              ),
          ]),
      depth(c, queue.deadLetterUrl)
        .then(
          (d): StatusLine =>
            d.visible + d.inFlight === 0
              ? { level: 'ok', area: 'dlq', text: `${queue.name}: empty` }
              : {
                  level: 'fail',
                  area: 'dlq',
                  text:
                    `${queue.name}: ${d.visible + d.inFlight} message(s) failed; after a fix: ` +
                    (queue.url === undefined
                      ? 'read them, then purge'
                      : `trailguard redrive ${queue.deadLetterUrl}`),
                },
        )
        .catch(
          (error): StatusLine => ({ level: 'fail', area: 'dlq', text: `${queue.name}: ${reason(error)}` }),
        ),
    ]),
  );
  return lines;
}

async function pollerLines(
  c: StatusClients,
  manifest: DeploymentManifest,
  now: number,
): Promise<StatusLine[]> {
  const store = new DynamoDbCheckpointStore(c.dynamodb, manifest.stateTable);
  const behind = Math.max(15, 3 * manifest.pollerRateMinutes) * 60_000;
  return Promise.all(
    [...new Set(manifest.pollerRegions)].map(async (region): Promise<StatusLine> => {
      try {
        const checkpoint = await store.load(region);
        if (checkpoint === undefined) {
          return {
            level: 'warn',
            area: 'poller',
            text: `${region}: never polled yet (runs every ${manifest.pollerRateMinutes} min)`,
          };
        }
        const lag = now - checkpoint.collectedUntil;
        const text =
          `${region}: collected until ${iso(checkpoint.collectedUntil)} (${ago(lag)}), last run ${ago(now - checkpoint.savedAt)}` +
          (checkpoint.open ? ', catching up' : '');
        return { level: lag > behind ? 'fail' : 'ok', area: 'poller', text };
      } catch (error) {
        return { level: 'fail', area: 'poller', text: `${region}: ${reason(error)}` };
      }
    }),
  );
}

async function findingLine(c: StatusClients, manifest: DeploymentManifest, now: number): Promise<StatusLine> {
  try {
    const last = await new DynamoDbLastFinding(c.dynamodb, manifest.stateTable).get();
    if (last === undefined) return { level: 'info', area: 'finding', text: 'none yet' };
    return {
      level: 'info',
      area: 'finding',
      text: cleanText(
        `last: ${last.ruleId} (${last.severity}) at ${last.detectedAt} (${ago(now - Date.parse(last.detectedAt))}), id ${last.id}`,
        200,
      ),
    };
  } catch (error) {
    return { level: 'warn', area: 'finding', text: `last finding unreadable: ${reason(error)}` };
  }
}

async function configLines(c: StatusClients, prefix: string): Promise<StatusLine[]> {
  const raw: Record<string, string> = {};
  let token: string | undefined;
  do {
    const out = await c.ssm.send(
      new GetParametersByPathCommand({ Path: prefix, Recursive: true, NextToken: token }),
    );
    for (const p of out.Parameters ?? []) {
      if (p.Name !== undefined && p.Value !== undefined) raw[p.Name.slice(prefix.length + 1)] = p.Value;
    }
    token = out.NextToken;
  } while (token);
  const config = parseRuntimeConfig(raw, prefix, catalog);
  const lines: StatusLine[] = [
    config.killSwitch
      ? {
          level: 'warn',
          area: 'config',
          text: 'kill switch ON: every rule only alerts, nothing is remediated',
        }
      : { level: 'ok', area: 'config', text: 'kill switch off' },
  ];
  const byMode = new Map<string, string[]>(RULE_MODES.map((mode) => [mode, []]));
  for (const rule of catalog) {
    const settings = config.rules.get(rule.id);
    byMode.get(settings?.configuredMode ?? settings?.mode ?? rule.defaultMode)?.push(rule.id);
  }
  const list = (mode: string) => {
    const ids = byMode.get(mode) ?? [];
    return ids.length === 0
      ? `${mode} none`
      : `${mode} ${ids.length <= 4 ? ids.join(', ') : `${ids.length} rules`}`;
  };
  lines.push({ level: 'info', area: 'modes', text: RULE_MODES.map(list).join('; ') });
  const allowing = catalog.filter((rule) => (config.rules.get(rule.id)?.allowPrincipals?.length ?? 0) > 0);
  lines.push({
    level: 'info',
    area: 'tuning',
    text: cleanText(
      `${config.context.trustedAccounts.size} trusted account(s), ${config.context.trustedNetworks.length} trusted ` +
        `network(s); allowed principals on ${allowing.length === 0 ? 'no rule' : allowing.map((r) => r.id).join(', ')}`,
      300,
    ),
  });
  // The Lambdas ignore a name they do not read: a misspelt rule id would otherwise go unnoticed.
  for (const name of Object.keys(raw).sort()) {
    if (parameterKind(name, catalog) === 'unknown') {
      lines.push({
        level: 'warn',
        area: 'config',
        text: cleanText(`${prefix}/${name} is not a TrailGuard setting and is ignored (a typo?)`, 200),
      });
    }
  }
  for (const problem of config.problems) {
    lines.push({
      level: 'warn',
      area: 'config',
      text: cleanText(`${problem.parameter} rejected (${problem.reason}); using ${problem.using}`, 200),
    });
  }
  return lines;
}

/** Reads everything the report shows; each check failing on its own shows as a FAIL line, not an exception. */
export async function statusReport(
  c: StatusClients,
  prefix: string,
  now: number,
): Promise<{ manifest: DeploymentManifest; lines: StatusLine[] }> {
  const name = ssmNames.deployment(prefix);
  let value: string | undefined;
  try {
    value = (await c.ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value;
  } catch (error) {
    if ((error as Error).name === 'ParameterNotFound') {
      throw new Error(
        `no TrailGuard deployment under ${prefix} in this region (${name} not found): deploy the stack, or pass ` +
          '--region and --prefix of the deployment',
      );
    }
    throw error;
  }
  let manifest: DeploymentManifest;
  try {
    manifest = manifestSchema.parse(JSON.parse(value ?? ''));
  } catch (error) {
    throw new Error(`${name} is not a TrailGuard deployment manifest: ${reason(error)}`);
  }
  const guard = async (area: string, lines: Promise<StatusLine[]>): Promise<StatusLine[]> =>
    lines.catch((error): StatusLine[] => [
      { level: 'fail', area, text: `could not check: ${reason(error)}` },
    ]);
  const parts = await Promise.all([
    guard('trail', trailLines(c, manifest.region)),
    guard('rule', ruleLines(c, manifest)),
    guard('queue', queueLines(c, manifest)),
    guard('poller', pollerLines(c, manifest, now)),
    guard(
      'finding',
      findingLine(c, manifest, now).then((l) => [l]),
    ),
    guard('config', configLines(c, prefix)),
  ]);
  return { manifest, lines: parts.flat() };
}

const LABEL: Record<Level, string> = { ok: 'ok', info: '', warn: 'WARN', fail: 'FAIL' };

export const status: Command = {
  usage: USAGE,
  async run({ args, out }) {
    const { values } = parseArgs({
      args: [...args],
      options: {
        ...OPS_AWS_OPTIONS,
        prefix: { type: 'string', default: DEFAULT_CONFIG_PREFIX },
        format: { type: 'string', default: 'table' },
      },
    });
    if (values.format !== 'table' && values.format !== 'json') {
      throw new UsageError(`--format must be table or json, got "${values.format}"`);
    }
    if (!/^(\/[a-zA-Z0-9_.-]+)+$/.test(values.prefix)) {
      throw new UsageError(
        `--prefix must be an SSM path like /trailguard, got "${values.prefix.slice(0, 80)}"`,
      );
    }
    const c = clients(clientConfig(values));
    let report: Awaited<ReturnType<typeof statusReport>>;
    try {
      report = await statusReport(c, values.prefix, Date.now());
    } finally {
      c.destroy();
    }
    const { manifest, lines } = report;
    const unhealthy = lines.some((l) => l.level === 'fail');
    if (values.format === 'json') {
      out(
        JSON.stringify(
          { stack: manifest.stackName, region: manifest.region, healthy: !unhealthy, checks: lines },
          null,
          2,
        ),
      );
    } else {
      out(
        `TrailGuard stack ${manifest.stackName} in ${manifest.region} (configuration ${values.prefix}, dashboard ${manifest.dashboardName})`,
      );
      const area = Math.max(...lines.map((l) => l.area.length));
      for (const line of lines)
        out(`  ${LABEL[line.level].padEnd(4)}  ${line.area.padEnd(area)}  ${line.text}`);
      out(unhealthy ? 'Needs attention: see the FAIL lines.' : 'Healthy.');
    }
    return unhealthy ? STATUS_EXIT.unhealthy : STATUS_EXIT.healthy;
  },
};
