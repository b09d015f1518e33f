import { CloudTrailClient, CreateTrailCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DisableRuleCommand, EventBridgeClient, PutRuleCommand } from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoDbCheckpointStore } from '../../lambdas/adapters/dynamodb-checkpoint';
import { DynamoDbLastFinding } from '../../lambdas/adapters/dynamodb-last-finding';
import type { Finding } from '../../lambdas/engine/types';
import { ssmNames } from '../../lambdas/shared/contract';
import type { DeploymentManifest } from '../../lib/constructs/monitoring-manifest';
import { createQueue, createStateTable, uniqueName } from '../analyzer/support';
import { motoClientConfig } from '../support/aws';
import { runCli } from '../support/cli';

interface Check {
  level: string;
  area: string;
  text: string;
}

let ssm: SSMClient;
let sqs: SQSClient;
let dynamodb: DynamoDBClient;
let events: EventBridgeClient;
let cloudTrail: CloudTrailClient;
let s3: S3Client;

beforeAll(() => {
  ssm = new SSMClient(motoClientConfig());
  sqs = new SQSClient(motoClientConfig());
  dynamodb = new DynamoDBClient(motoClientConfig());
  events = new EventBridgeClient(motoClientConfig());
  cloudTrail = new CloudTrailClient(motoClientConfig());
  s3 = new S3Client({ ...motoClientConfig(), forcePathStyle: true });
});

/** What the stack creates and writes, in the emulator: queues, rules, state table, a logging trail, the manifest. */
async function deployment() {
  const prefix = `/${uniqueName('tg-status')}`;
  const stateTable = await createStateTable(dynamodb);
  const dlq = await createQueue(sqs, uniqueName('tg-analyzer-dlq'));
  const analyzer = await sqs.send(
    new CreateQueueCommand({
      QueueName: uniqueName('tg-analyzer'),
      Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 }) },
    }),
  );
  const pollerDlq = await createQueue(sqs, uniqueName('tg-poller-dlq'));
  const detectionRule = uniqueName('tg-detections');
  const heartbeatRule = uniqueName('tg-heartbeat');
  for (const name of [detectionRule, heartbeatRule]) {
    await events.send(
      new PutRuleCommand({
        Name: name,
        EventPattern: JSON.stringify({ source: ['aws.iam'] }),
        State: 'ENABLED',
      }),
    );
  }
  const trailName = uniqueName('tg-trail');
  const bucket = uniqueName('tg-trail-logs');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await cloudTrail.send(new CreateTrailCommand({ Name: trailName, S3BucketName: bucket }));
  await cloudTrail.send(new StartLoggingCommand({ Name: trailName }));
  const manifest: DeploymentManifest = {
    version: 1,
    stackName: 'TrailGuard',
    region: 'us-east-1',
    configPrefix: prefix,
    stateTable,
    queues: [
      { name: 'analyzer', url: analyzer.QueueUrl ?? '', deadLetterUrl: dlq.url },
      { name: 'poller', deadLetterUrl: pollerDlq.url },
    ],
    rules: [
      { name: detectionRule, purpose: 'Detections1' },
      { name: heartbeatRule, purpose: 'Heartbeat' },
    ],
    pollerRegions: ['us-east-1', 'us-east-1'],
    pollerRateMinutes: 5,
    dashboardName: 'TrailGuard',
  };
  await ssm.send(
    new PutParameterCommand({
      Name: ssmNames.deployment(prefix),
      Type: 'String',
      Value: JSON.stringify(manifest),
    }),
  );
  const checkpoints = new DynamoDbCheckpointStore(dynamodb, stateTable);
  await checkpoints.save(
    'us-east-1',
    { collectedUntil: Date.now() - 2 * 60_000, savedAt: Date.now() - 60_000 },
    0,
  );
  return { prefix, manifest, dlq, trailName, detectionRule, checkpoints };
}

const status = (prefix: string, ...extra: string[]) =>
  runCli(
    'status',
    '--prefix',
    prefix,
    '--endpoint-url',
    inject('motoEndpoint'),
    '--region',
    'us-east-1',
    ...extra,
  );

describe('trailguard status (moto_server)', () => {
  it('reports a healthy stack: trail logging, rules enabled, queues empty, poller current, last finding, modes', async () => {
    // Prepare
    const d = await deployment();
    await new DynamoDbLastFinding(dynamodb, d.manifest.stateTable).record([
      {
        id: 'f-1',
        ruleId: 'root.account-used',
        severity: 'high',
        eventTime: '2025-06-01T11:59:00Z',
        detectedAt: '2025-06-01T12:00:00Z',
      } as unknown as Finding,
    ]);
    await ssm.send(
      new PutParameterCommand({
        Name: `${d.prefix}/rules/root.account-used/mode`,
        Type: 'String',
        Value: 'off',
      }),
    );
    const stringList = (name: string, value: string) =>
      ssm.send(new PutParameterCommand({ Name: `${d.prefix}/${name}`, Type: 'StringList', Value: value }));
    await stringList('context/trusted-accounts', '444455556666,777788889999');
    await stringList(
      'rules/kms.key-disabled-or-deleted/allow-principals',
      'arn:aws:iam::*:role/ci/terraform',
    );
    await stringList('rules/kms.key-disabled-or-delted/allow-principals', 'arn:aws:iam::*:role/ci/terraform');
    // Act
    const result = await status(d.prefix, '--format', 'json');
    // Assess
    expect(result.code, result.err).toBe(0);
    const report = JSON.parse(result.out) as { healthy: boolean; checks: Check[] };
    expect(report.healthy).toBe(true);
    const find = (area: string, text: string) =>
      report.checks.find((c) => c.area === area && c.text.includes(text));
    expect(find('trail', d.trailName)?.level).toBe('ok');
    expect(find('rule', d.detectionRule)).toMatchObject({
      level: 'ok',
      text: expect.stringContaining('enabled'),
    });
    expect(find('queue', 'analyzer')).toMatchObject({
      level: 'ok',
      text: 'analyzer: 0 waiting, 0 in flight',
    });
    expect(find('dlq', 'poller')).toMatchObject({ level: 'ok', text: 'poller: empty' });
    expect(report.checks.filter((c) => c.area === 'poller')).toEqual([
      expect.objectContaining({
        level: 'ok',
        text: expect.stringMatching(/^us-east-1: collected until .* \(2 min ago\)/),
      }),
    ]);
    expect(find('finding', 'root.account-used')?.text).toContain('last: root.account-used (high)');
    expect(find('config', 'kill switch')).toMatchObject({ level: 'ok', text: 'kill switch off' });
    expect(find('modes', 'off')?.text).toContain('off root.account-used');
    expect(find('tuning', 'trusted')?.text).toBe(
      '2 trusted account(s), 0 trusted network(s); allowed principals on kms.key-disabled-or-deleted',
    );
    expect(find('config', 'kms.key-disabled-or-delted')).toMatchObject({
      level: 'warn',
      text: `${d.prefix}/rules/kms.key-disabled-or-delted/allow-principals is not a TrailGuard setting and is ignored (a typo?)`,
    });
  });

  it('prints one line per check on a table and exits 3 with FAIL lines when a rule is disabled, a DLQ holds messages and the poller is behind', async () => {
    // Prepare
    const d = await deployment();
    await events.send(new DisableRuleCommand({ Name: d.detectionRule }));
    await sqs.send(new SendMessageCommand({ QueueUrl: d.dlq.url, MessageBody: '{}' }));
    await d.checkpoints.save(
      'us-east-1',
      { collectedUntil: Date.now() - 3 * 3600_000, savedAt: Date.now() - 3 * 3600_000 },
      1,
    );
    await ssm.send(new PutParameterCommand({ Name: `${d.prefix}/kill-switch`, Type: 'String', Value: 'on' }));
    // Act
    const result = await status(d.prefix);
    // Assess
    expect(result.code).toBe(3);
    const lines = result.out.split('\n');
    expect(lines[0]).toBe(
      `TrailGuard stack TrailGuard in us-east-1 (configuration ${d.prefix}, dashboard TrailGuard)`,
    );
    expect(lines).toContainEqual(
      expect.stringMatching(new RegExp(`^  FAIL  rule +Detections1 \\(${d.detectionRule}\\) DISABLED$`)),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^ {2}FAIL {2}dlq +analyzer: 1 message\(s\) failed; after a fix: trailguard redrive /,
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^ {2}FAIL {2}poller +us-east-1: collected until .*\(3 h ago\)/),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}WARN {2}config +kill switch ON/));
    expect(lines.at(-1)).toBe('Needs attention: see the FAIL lines.');
  });

  it('exits 1 and says how to find the deployment when there is no manifest under the prefix', async () => {
    // Act
    const result = await status(`/${uniqueName('tg-nothing')}`);
    // Assess
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/no TrailGuard deployment under \/tg-nothing-\S+ in this region/);
  });

  it('exits 2 on a malformed prefix', async () => {
    const result = await status('trailguard');
    expect(result.code).toBe(2);
    expect(result.err).toContain('--prefix must be an SSM path');
  });
});
