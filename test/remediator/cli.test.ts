import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTrailCommand, GetTrailStatusCommand, StopLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateAccessKeyCommand,
  CreateLoginProfileCommand,
  CreateUserCommand,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
} from '@aws-sdk/client-iam';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseSince } from '../../cli/commands/remediations-aws';
import { type AuditRecord, DynamoDbAuditStore } from '../../lambdas/adapters/dynamodb-audit';
import { ConfigSource } from '../../lambdas/config/config-source';
import { InMemoryStateStore } from '../../lambdas/engine/state/memory';
import {
  FINDING_SCHEMA_VERSION,
  type Finding,
  type RemediationStep,
  type Rule,
} from '../../lambdas/engine/types';
import { ACTIONS } from '../../lambdas/remediator/actions';
import { StateStoreCircuitBreaker } from '../../lambdas/remediator/circuit-breaker';
import { type RemediatorDeps, remediateFinding } from '../../lambdas/remediator/remediate';
import { recordingLog } from '../../lambdas/shared/log';
import { createAuditTable } from '../../local/tables';
import { motoClientConfig } from '../support/aws';
import { runCli } from '../support/cli';
import { createQuarantinePolicy, motoActionClients, uniqueName } from './actions/support';

/*
 * `trailguard remediations list` and `trailguard undo` run in-process against moto (--endpoint-url), reading an
 * audit trail the real remediator wrote there, and reversing real changes in the emulator.
 */
const ACCOUNT = '123456789012';
const rule = {
  id: 'iam.admin-policy-attached',
  defaultMode: 'enforce',
  threshold: undefined,
} as unknown as Rule;
let clients: ReturnType<typeof motoActionClients>;
let table: string;
let audit: DynamoDbAuditStore;
let quarantinePolicyArn: string;
let aws: string[];

beforeAll(async () => {
  clients = motoActionClients();
  table = uniqueName('tg-cli-audit');
  const dynamodb = new DynamoDBClient(motoClientConfig());
  await createAuditTable(dynamodb, table);
  audit = new DynamoDbAuditStore(dynamodb, table);
  quarantinePolicyArn = await createQuarantinePolicy(clients.iam);
  aws = ['--table', table, '--endpoint-url', inject('motoEndpoint'), '--region', 'us-east-1'];
});

afterAll(() => clients.destroy());

function finding(remediation: RemediationStep[]): Finding {
  return {
    schemaVersion: FINDING_SCHEMA_VERSION,
    id: `cli-${uniqueName('f')}`,
    ruleId: rule.id,
    title: 'Administrator access granted',
    severity: 'critical',
    attack: [],
    summary: 's',
    eventIds: ['e'],
    eventTime: new Date().toISOString(),
    principal: { type: 'IAMUser' },
    evidence: [],
    mode: 'enforce',
    remediation,
    runbook: 'r',
    detectedAt: new Date().toISOString(),
  };
}

/** Runs the real remediator on `remediation`, writing to this file's audit table. */
async function remediate(remediation: RemediationStep[], raw: Record<string, string> = {}) {
  const deps: RemediatorDeps = {
    config: new ConfigSource({ prefix: '/tg', rules: [rule], maxAgeSeconds: 0, fetch: async () => raw }),
    audit,
    actions: ACTIONS,
    context: { clients, quarantinePolicyArn, accountId: ACCOUNT, partition: 'aws' },
    iam: clients.iam,
    circuit: new StateStoreCircuitBreaker(new InMemoryStateStore()),
    stackName: 'TrailGuard',
    auditTable: table,
    actor: 'lambda:cli-test',
    publishOutcome: async () => {},
    log: recordingLog(),
  };
  const f = finding(remediation);
  const outcome = await remediateFinding(f, deps);
  return { findingId: f.id, outcome };
}

/** A compromised user: an active key, to be quarantined and disabled. */
async function victim() {
  const userName = uniqueName('tg-cli');
  await clients.iam.send(new CreateUserCommand({ UserName: userName }));
  const key = await clients.iam.send(new CreateAccessKeyCommand({ UserName: userName }));
  const accessKeyId = key.AccessKey?.AccessKeyId ?? '';
  const plan: RemediationStep[] = [
    {
      action: 'iam.quarantine-principal',
      params: { principalType: 'user', principalName: userName },
      description: 'q',
    },
    { action: 'iam.disable-access-key', params: { userName, accessKeyId }, description: 'k' },
  ];
  return { userName, accessKeyId, plan };
}

async function state(user: { userName: string; accessKeyId: string }) {
  const keys = await clients.iam.send(new ListAccessKeysCommand({ UserName: user.userName }));
  const policies = await clients.iam.send(new ListAttachedUserPoliciesCommand({ UserName: user.userName }));
  return {
    key: keys.AccessKeyMetadata?.find((k) => k.AccessKeyId === user.accessKeyId)?.Status,
    quarantined: (policies.AttachedPolicies ?? []).some((p) => p.PolicyArn === quarantinePolicyArn),
  };
}

describe('trailguard remediations list (moto)', () => {
  it('lists the recorded steps as JSON with status, before and after when asked for json', async () => {
    // Prepare
    const user = await victim();
    const { findingId } = await remediate(user.plan);
    // Act
    const { code, out } = await runCli('remediations', 'list', '--since', '1h', '--format', 'json', ...aws);
    // Assess
    expect(code).toBe(0);
    const mine = (JSON.parse(out) as AuditRecord[]).filter((r) => r.findingId === findingId);
    expect(mine.map((r) => [r.stepKey, r.actionId, r.status])).toEqual([
      ['step-000', 'iam.quarantine-principal', 'succeeded'],
      ['step-001', 'iam.disable-access-key', 'succeeded'],
    ]);
    expect(mine[1]).toMatchObject({
      finding: { title: 'Administrator access granted', severity: 'critical', eventIds: ['e'] },
      before: { status: 'Active' },
      after: { status: 'Inactive' },
      actor: 'lambda:cli-test',
    });
  });

  it('prints one table row per step, and only the steps of the window', async () => {
    // Prepare
    const user = await victim();
    const { findingId } = await remediate(user.plan);
    // Act
    const recent = await runCli('remediations', 'list', ...aws);
    const future = await runCli('remediations', 'list', '--since', '2999-01-01T00:00:00Z', ...aws);
    // Assess
    expect(recent.code).toBe(0);
    expect(recent.out.split('\n')[0]).toMatch(/^UPDATED\s+FINDING\/STEP\s+ACTION\s+MODE\s+STATUS\s+DETAIL$/);
    expect(recent.out).toContain(`${findingId}/step-001  iam.disable-access-key`);
    expect(future.out).toContain('no remediation steps recorded');
  });

  it('reads the table from TRAILGUARD_AUDIT_TABLE, and exits 2 with a clear message when no table is named', async () => {
    // Prepare
    const saved = process.env.TRAILGUARD_AUDIT_TABLE;
    // Act
    delete process.env.TRAILGUARD_AUDIT_TABLE;
    const missing = await runCli(
      'remediations',
      'list',
      '--endpoint-url',
      inject('motoEndpoint'),
      '--region',
      'us-east-1',
    );
    process.env.TRAILGUARD_AUDIT_TABLE = table;
    const fromEnv = await runCli(
      'remediations',
      'list',
      '--endpoint-url',
      inject('motoEndpoint'),
      '--region',
      'us-east-1',
    );
    if (saved === undefined) delete process.env.TRAILGUARD_AUDIT_TABLE;
    else process.env.TRAILGUARD_AUDIT_TABLE = saved;
    // Assess
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('no audit table: pass --table');
    expect(fromEnv.code).toBe(0);
  });

  it('uses the credentials of --profile, and fails clearly for an unknown profile', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'tg-cli-'));
    const credentials = join(dir, 'credentials');
    writeFileSync(credentials, '[tg-test]\naws_access_key_id = testing\naws_secret_access_key = testing\n');
    const saved = process.env.AWS_SHARED_CREDENTIALS_FILE;
    process.env.AWS_SHARED_CREDENTIALS_FILE = credentials;
    // Act
    const known = await runCli('remediations', 'list', '--profile', 'tg-test', ...aws);
    const unknown = await runCli('remediations', 'list', '--profile', 'no-such-profile', ...aws);
    if (saved === undefined) delete process.env.AWS_SHARED_CREDENTIALS_FILE;
    else process.env.AWS_SHARED_CREDENTIALS_FILE = saved;
    // Assess
    expect(known.code).toBe(0);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/no-such-profile/);
  });

  it('parses --since as a duration or an ISO time and rejects anything else', () => {
    const now = new Date('2026-11-22T12:00:00Z');
    expect(parseSince('90m', now).toISOString()).toBe('2026-11-22T10:30:00.000Z');
    expect(parseSince('7d', now).toISOString()).toBe('2026-11-15T12:00:00.000Z');
    expect(parseSince('2026-11-01T00:00:00Z', now).toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(() => parseSince('yesterday', now)).toThrow('--since must be');
  });
});

describe('trailguard undo (moto)', () => {
  it('reverses every step of a finding, last first, records who undid it, and is idempotent', async () => {
    // Prepare
    const user = await victim();
    const { findingId } = await remediate(user.plan);
    const remediated = await state(user);
    // Act
    const first = await runCli('undo', findingId, ...aws);
    const undone = await state(user);
    const second = await runCli('undo', findingId, ...aws);
    // Assess
    expect(remediated).toEqual({ key: 'Inactive', quarantined: true });
    expect(first.code).toBe(0);
    expect(first.out.split('\n').map((l) => l.split(':')[0])).toEqual([
      `${findingId}/step-001 iam.disable-access-key`,
      `${findingId}/step-000 iam.quarantine-principal`,
    ]);
    expect(undone).toEqual({ key: 'Active', quarantined: false });
    const records = await audit.get(findingId);
    expect(records.map((r) => r.status)).toEqual(['undone', 'undone']);
    expect(records[1]?.undo).toMatchObject({
      by: expect.stringMatching(/^arn:aws:/),
      at: expect.any(String),
    });
    expect(second.code).toBe(0);
    expect(second.out).toContain('already undone by arn:aws:');
    expect(await state(user)).toEqual(undone);
  });

  it('undoes one step when given <finding-id>/step-NNN', async () => {
    // Prepare
    const user = await victim();
    const { findingId } = await remediate(user.plan);
    // Act
    const { code } = await runCli('undo', `${findingId}/step-001`, ...aws);
    // Assess
    expect(code).toBe(0);
    expect(await state(user)).toEqual({ key: 'Active', quarantined: true });
    expect((await audit.get(findingId)).map((r) => r.status)).toEqual(['succeeded', 'undone']);
  });

  it('refuses a step that did not succeed, changing nothing', async () => {
    // Prepare: a dry run records the plan and changes nothing
    const user = await victim();
    const { findingId } = await remediate(user.plan, { 'rules/iam.admin-policy-attached/mode': 'dry-run' });
    // Act
    const byStep = await runCli('undo', `${findingId}/step-000`, ...aws);
    const byFinding = await runCli('undo', findingId, ...aws);
    // Assess
    expect(byStep.code).toBe(1);
    expect(byStep.out).toContain('not undone: its status is dry-run');
    expect(byFinding.code).toBe(1);
    expect(byFinding.err).toContain('nothing to undo');
    expect((await audit.get(findingId)).map((r) => r.status)).toEqual(['dry-run', 'dry-run']);
  });

  it('records a failed undo on the step and exits 1 for an irreversible action', async () => {
    // Prepare
    const user = await victim();
    await clients.iam.send(
      new CreateLoginProfileCommand({ UserName: user.userName, Password: 'Attacker-Set-1!' }),
    );
    const { findingId } = await remediate(
      [
        {
          action: 'iam.delete-login-profile',
          params: { userName: user.userName },
          description: 'delete password',
        },
      ],
      { 'remediation/actions/iam.delete-login-profile/enabled': 'on' },
    );
    // Act
    const { code, out } = await runCli('undo', findingId, ...aws);
    // Assess
    expect(code).toBe(1);
    expect(out).toContain('FAILED: PermanentActionError');
    const [record] = await audit.get(findingId);
    expect(record?.status).toBe('succeeded');
    expect(record?.undoFailure?.reason).toContain('cannot be restored');
  });

  it('stops a restarted trail again only with --stop-logging', async () => {
    // Prepare
    const bucket = uniqueName('tg-cli-trail');
    await clients.s3('us-east-1').send(new CreateBucketCommand({ Bucket: bucket }));
    const trail = uniqueName('tg-cli-trail');
    const cloudTrail = clients.cloudTrail('us-east-1');
    await cloudTrail.send(new CreateTrailCommand({ Name: trail, S3BucketName: bucket }));
    await cloudTrail.send(new StopLoggingCommand({ Name: trail }));
    const { findingId } = await remediate([
      { action: 'cloudtrail.start-logging', params: { trail, region: 'us-east-1' }, description: 'start' },
    ]);
    // Act
    const refused = await runCli('undo', findingId, ...aws);
    const logging = (await cloudTrail.send(new GetTrailStatusCommand({ Name: trail }))).IsLogging;
    const confirmed = await runCli('undo', findingId, '--stop-logging', ...aws);
    const stopped = (await cloudTrail.send(new GetTrailStatusCommand({ Name: trail }))).IsLogging;
    // Assess
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('pass --stop-logging to confirm');
    expect(logging).toBe(true);
    expect(confirmed.code).toBe(0);
    expect(stopped).toBe(false);
  });

  it('exits 2 on a malformed reference and 1 when nothing is recorded for it', async () => {
    // Act
    const malformed = await runCli('undo', 'finding with spaces', ...aws);
    const unknown = await runCli('undo', 'no-such-finding', ...aws);
    // Assess
    expect(malformed.code).toBe(2);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('no remediation recorded for no-such-finding');
  });
});
