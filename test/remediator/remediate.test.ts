import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateAccessKeyCommand,
  CreateLoginProfileCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  GetLoginProfileCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  TagUserCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbAuditStore } from '../../lambdas/adapters/dynamodb-audit';
import { DynamoDbStateStore } from '../../lambdas/adapters/dynamodb-state';
import { ConfigSource } from '../../lambdas/config/config-source';
import { FINDING_SCHEMA_VERSION, type Finding, type Rule } from '../../lambdas/engine/types';
import { outcomeVerdict, type RemediationOutcome } from '../../lambdas/findings/outcome';
import { ACTIONS } from '../../lambdas/remediator/actions';
import { StateStoreCircuitBreaker } from '../../lambdas/remediator/circuit-breaker';
import {
  type RemediatorDeps,
  remediateFinding,
  TransientRemediationError,
} from '../../lambdas/remediator/remediate';
import { recordingLog } from '../../lambdas/shared/log';
import { createAuditTable, createStateTable } from '../../local/tables';
import { atomicMotoDynamoDbClient } from '../adapters/support';
import { motoClientConfig } from '../support/aws';
import { motoActionClients } from './actions/support';

const suffix = Math.random().toString(36).slice(2, 8);
const ACCOUNT = '123456789012';
const RULE_ID = 'iam.admin-policy-attached';
const rule = { id: RULE_ID, defaultMode: 'enforce', threshold: undefined } as unknown as Rule;

let iam: IAMClient;
let dynamodb: DynamoDBClient;
let clients: ReturnType<typeof motoActionClients>;
let audit: DynamoDbAuditStore;
let circuit: StateStoreCircuitBreaker;
let quarantinePolicyArn: string;
let n = 0;

/** A circuit breaker on its own state table, so its counts are this test's alone. */
async function freshCircuit(): Promise<StateStoreCircuitBreaker> {
  n += 1;
  const table = `state-${suffix}-${n}`;
  await createStateTable(dynamodb, table);
  return new StateStoreCircuitBreaker(new DynamoDbStateStore(dynamodb, table));
}

afterAll(() => clients.destroy());

beforeAll(async () => {
  clients = motoActionClients();
  iam = clients.iam;
  dynamodb = new DynamoDBClient(motoClientConfig());
  const table = `audit-${suffix}`;
  await createAuditTable(dynamodb, table);
  audit = new DynamoDbAuditStore(dynamodb, table);
  circuit = await freshCircuit();
  const policy = await iam.send(
    new CreatePolicyCommand({
      PolicyName: `quarantine-${suffix}`,
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }],
      }),
    }),
  );
  quarantinePolicyArn = policy.Policy?.Arn ?? '';
});

/** A user with an active key, as the actor of a finding. */
async function actor(options: { path?: string; tags?: Record<string, string> } = {}) {
  n += 1;
  const userName = `actor-${suffix}-${n}`;
  await iam.send(new CreateUserCommand({ UserName: userName, Path: options.path }));
  if (options.tags) {
    await iam.send(
      new TagUserCommand({
        UserName: userName,
        Tags: Object.entries(options.tags).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
  }
  const key = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
  return { userName, accessKeyId: key.AccessKey?.AccessKeyId ?? '' };
}

function finding(
  user: { userName: string; accessKeyId: string },
  mode: Finding['mode'] = 'enforce',
): Finding {
  n += 1;
  return {
    schemaVersion: FINDING_SCHEMA_VERSION,
    id: `finding-${suffix}-${n}`,
    ruleId: RULE_ID,
    title: 'Administrator access granted',
    severity: 'critical',
    attack: ['T1098.003'],
    summary: 'granted admin',
    eventIds: [`event-${n}`],
    eventTime: '2026-11-22T10:00:00.000Z',
    principal: {
      type: 'IAMUser',
      identityType: 'user',
      identityName: user.userName,
      accessKeyId: user.accessKeyId,
    },
    account: ACCOUNT,
    region: 'us-east-1',
    evidence: [],
    mode,
    remediation: [
      {
        action: 'iam.quarantine-principal',
        params: { principalType: 'user', principalName: user.userName },
        description: `Quarantine ${user.userName}`,
      },
      {
        action: 'iam.disable-access-key',
        params: { userName: user.userName, accessKeyId: user.accessKeyId },
        description: `Deactivate ${user.accessKeyId}`,
      },
    ],
    runbook: 'r',
    detectedAt: '2026-11-22T10:01:00.000Z',
  };
}

/** Deps against moto. Unless a test sets it, the hourly limit is high: the circuit has its own tests. */
function deps(params: Record<string, string> = {}, overrides: Partial<RemediatorDeps> = {}) {
  const outcomes: RemediationOutcome[] = [];
  const raw = { 'remediation/max-actions-per-hour': '1000', ...params };
  const d: RemediatorDeps = {
    config: new ConfigSource({ prefix: '/tg', rules: [rule], maxAgeSeconds: 0, fetch: async () => raw }),
    audit,
    actions: ACTIONS,
    context: { clients, quarantinePolicyArn, accountId: ACCOUNT, partition: 'aws' },
    iam,
    circuit,
    stackName: 'TrailGuard',
    auditTable: 'trailguard-audit',
    actor: 'lambda:test-remediator',
    publishOutcome: async (o) => {
      outcomes.push(o);
    },
    log: recordingLog(),
    ...overrides,
  };
  return { deps: d, outcomes };
}

async function keyStatus(user: { userName: string; accessKeyId: string }) {
  const out = await iam.send(new ListAccessKeysCommand({ UserName: user.userName }));
  return out.AccessKeyMetadata?.find((k) => k.AccessKeyId === user.accessKeyId)?.Status;
}

async function quarantined(userName: string) {
  const out = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: userName }));
  return (out.AttachedPolicies ?? []).some((p) => p.PolicyArn === quarantinePolicyArn);
}

describe('remediateFinding (moto)', () => {
  it('quarantines the actor and disables its key in enforce mode, recording before and after', async () => {
    // Prepare
    const user = await actor();
    const f = finding(user);
    const { deps: d, outcomes } = deps();
    // Act
    const outcome = await remediateFinding(f, d);
    // Assess
    expect(await keyStatus(user)).toBe('Inactive');
    expect(await quarantined(user.userName)).toBe(true);
    expect(outcome?.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded']);
    expect(outcome?.steps[1]?.undoCommand).toBe(
      `aws iam update-access-key --user-name ${user.userName} --access-key-id ${user.accessKeyId} --status Active`,
    );
    expect(outcomes).toHaveLength(1);
    const records = await audit.get(f.id);
    expect(records.map((r) => [r.actionId, r.status, r.actor])).toEqual([
      ['iam.quarantine-principal', 'succeeded', 'lambda:test-remediator'],
      ['iam.disable-access-key', 'succeeded', 'lambda:test-remediator'],
    ]);
    expect(records[1]?.before).toMatchObject({ status: 'Active' });
    expect(records[1]?.after).toMatchObject({ status: 'Inactive' });
  });

  it('acts once when the same finding is delivered five times', async () => {
    // Prepare
    const user = await actor();
    const f = finding(user);
    const { deps: d, outcomes } = deps();
    // Act
    for (let i = 0; i < 5; i++) await remediateFinding(f, d);
    // Assess
    const records = await audit.get(f.id);
    expect(records).toHaveLength(2);
    expect(records.every((r) => r.status === 'succeeded')).toBe(true);
    expect(records.map((r) => r.attempts)).toEqual([5, 5]);
    expect(new Set(outcomes.map((o) => JSON.stringify(o.steps))).size).toBe(1);
  });

  it('changes nothing and records the plan in dry-run mode', async () => {
    // Prepare
    const user = await actor();
    const f = finding(user);
    const { deps: d } = deps({ [`rules/${RULE_ID}/mode`]: 'dry-run' });
    // Act
    const outcome = await remediateFinding(f, d);
    // Assess
    expect(outcome?.steps.map((s) => s.status)).toEqual(['dry-run', 'dry-run']);
    expect(outcome?.steps[0]?.reason).toMatch(/^would: /);
    expect(await keyStatus(user)).toBe('Active');
    expect(await quarantined(user.userName)).toBe(false);
  });

  it('skips every step when the rule is in alert mode, and says so when the kill switch caused it', async () => {
    // Prepare
    const user = await actor();
    const { deps: alertDeps } = deps({ [`rules/${RULE_ID}/mode`]: 'alert' });
    const { deps: killDeps } = deps({ 'kill-switch': 'on' });
    // Act
    const byMode = await remediateFinding(finding(user), alertDeps);
    const byKill = await remediateFinding(finding(user), killDeps);
    // Assess
    expect(byMode?.steps.map((s) => s.status)).toEqual(['skipped-mode', 'skipped-mode']);
    expect(byKill?.steps.map((s) => s.status)).toEqual(['skipped-kill-switch', 'skipped-kill-switch']);
    expect(byKill?.mode).toBe('alert');
    expect(await keyStatus(user)).toBe('Active');
  });

  it('never touches a principal whose real ARN (with its IAM path) matches the protected list', async () => {
    // Prepare
    const user = await actor({ path: '/breakglass/' });
    const { deps: d } = deps({ 'protected-principals': `arn:aws:iam::${ACCOUNT}:user/breakglass/*` });
    // Act
    const outcome = await remediateFinding(finding(user), d);
    // Assess
    expect(outcome?.steps.map((s) => s.status)).toEqual(['skipped-protected', 'skipped-protected']);
    expect(outcome?.steps[0]?.reason).toContain('breakglass');
    expect(await keyStatus(user)).toBe('Active');
    expect(await quarantined(user.userName)).toBe(false);
  });

  it('never touches a principal tagged trailguard:protected=true', async () => {
    // Prepare
    const user = await actor({ tags: { 'trailguard:protected': 'true' } });
    const { deps: d } = deps();
    // Act
    const outcome = await remediateFinding(finding(user), d);
    // Assess
    expect(outcome?.steps.map((s) => s.status)).toEqual(['skipped-protected', 'skipped-protected']);
    expect(await keyStatus(user)).toBe('Active');
  });

  it('records a permanent failure with its reason and still runs the other steps', async () => {
    // Prepare
    const user = await actor();
    const f = finding({ userName: user.userName, accessKeyId: 'AKIAEXAMPLENOTAKEY01' });
    const { deps: d } = deps();
    // Act
    const outcome = await remediateFinding(f, d);
    // Assess
    expect(outcome?.steps.map((s) => s.status)).toEqual(['succeeded', 'failed']);
    expect(outcome?.steps[1]?.reason).toContain('AKIAEXAMPLENOTAKEY01');
    expect(await quarantined(user.userName)).toBe(true);
  });

  it('throws on a transient failure, leaving the step open, and completes it on redelivery', async () => {
    // Prepare
    const user = await actor();
    const f = finding(user);
    const unreachable = new IAMClient({
      ...motoClientConfig(),
      endpoint: 'http://127.0.0.1:9',
      maxAttempts: 1,
    });
    const broken = deps(
      {},
      {
        context: {
          clients: { ...clients, iam: unreachable },
          quarantinePolicyArn,
          accountId: ACCOUNT,
          partition: 'aws',
        },
      },
    );
    const healthy = deps();
    // Act
    const failed = remediateFinding(f, broken.deps);
    await expect(failed).rejects.toBeInstanceOf(TransientRemediationError);
    const open = await audit.get(f.id);
    const retried = await remediateFinding(f, healthy.deps);
    // Assess
    expect(open.map((r) => r.status)).toEqual(['in-progress']);
    expect(broken.outcomes).toHaveLength(0);
    expect(retried?.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded']);
    expect(await keyStatus(user)).toBe('Inactive');
  });

  it('does nothing for a finding without a plan', async () => {
    // Prepare
    const user = await actor();
    const f = { ...finding(user), remediation: [] };
    const { deps: d, outcomes } = deps();
    // Act
    const outcome = await remediateFinding(f, d);
    // Assess
    expect(outcome).toBeUndefined();
    expect(outcomes).toHaveLength(0);
    expect(await audit.get(f.id)).toEqual([]);
  });
});

/** A finding whose plan deactivates one key: one action per finding, for counting. */
function keyFinding(user: { userName: string; accessKeyId: string }): Finding {
  const base = finding(user);
  return { ...base, remediation: base.remediation.slice(1) };
}

describe('remediateFinding guardrails (moto)', () => {
  it('records the undo command of a succeeded step in the audit trail, as the outcome reports it', async () => {
    // Prepare
    const user = await actor();
    const f = keyFinding(user);
    // Act
    const outcome = await remediateFinding(f, deps().deps);
    // Assess
    const [record] = await audit.get(f.id);
    expect(record?.undoCommand).toBe(outcome?.steps[0]?.undoCommand);
    expect(record?.undoCommand).toContain('--status Active');
  });

  it('opens the circuit beyond the hourly limit: records what it would have done and changes nothing', async () => {
    // Prepare
    const users = [await actor(), await actor(), await actor()];
    const limited = deps({ 'remediation/max-actions-per-hour': '2' }, { circuit: await freshCircuit() });
    // Act
    const outcomes = [];
    for (const user of users) outcomes.push(await remediateFinding(keyFinding(user), limited.deps));
    // Assess
    expect(outcomes.map((o) => o?.steps[0]?.status)).toEqual([
      'succeeded',
      'succeeded',
      'skipped-circuit-open',
    ]);
    expect(outcomes.map((o) => (o ? outcomeVerdict(o) : undefined))).toEqual([
      'acted',
      'acted',
      'circuit-open',
    ]);
    expect(outcomes[2]?.steps[0]?.reason).toMatch(
      /^circuit open: 2 actions in the last hour reached the limit of 2/,
    );
    expect(outcomes[2]?.steps[0]?.reason).toContain(`would: access key ${users[2]?.accessKeyId}`);
    expect(outcomes[2]?.steps[0]?.undoCommand).toBeUndefined();
    expect(await keyStatus(users[0] as (typeof users)[number])).toBe('Inactive');
    expect(await keyStatus(users[2] as (typeof users)[number])).toBe('Active');
    const [record] = await audit.get(outcomes[2]?.findingId ?? '');
    expect(record).toMatchObject({
      status: 'skipped-circuit-open',
      after: { limit: 2, actionsInLastHour: 2 },
    });
  });

  it('does not count steps that changed nothing against the limit', async () => {
    // Prepare: a key someone already deactivated, and one still active
    const done = await actor();
    await iam.send(
      new UpdateAccessKeyCommand({
        UserName: done.userName,
        AccessKeyId: done.accessKeyId,
        Status: 'Inactive',
      }),
    );
    const active = await actor();
    const limited = deps({ 'remediation/max-actions-per-hour': '1' }, { circuit: await freshCircuit() });
    // Act
    const unchanged = await remediateFinding(keyFinding(done), limited.deps);
    const acted = await remediateFinding(keyFinding(active), limited.deps);
    const beyond = await remediateFinding(keyFinding(await actor()), limited.deps);
    // Assess
    expect(unchanged?.steps[0]?.status).toBe('already-applied');
    expect(acted?.steps[0]?.status).toBe('succeeded');
    expect(beyond?.steps[0]?.status).toBe('skipped-circuit-open');
  });

  it('skips an action switched off (delete-login-profile by default) even in enforce mode, and runs it once enabled', async () => {
    // Prepare
    const user = await actor();
    await iam.send(new CreateLoginProfileCommand({ UserName: user.userName, Password: 'Attacker-Set-1!' }));
    const plan = (f: Finding): Finding => ({
      ...f,
      remediation: [
        {
          action: 'iam.delete-login-profile',
          params: { userName: user.userName },
          description: 'delete password',
        },
      ],
    });
    // Act
    const byDefault = await remediateFinding(plan(finding(user)), deps().deps);
    const stillThere = await iam
      .send(new GetLoginProfileCommand({ UserName: user.userName }))
      .then(() => true);
    const enabled = await remediateFinding(
      plan(finding(user)),
      deps({ 'remediation/actions/iam.delete-login-profile/enabled': 'on' }).deps,
    );
    const gone = await iam
      .send(new GetLoginProfileCommand({ UserName: user.userName }))
      .then(() => false)
      .catch((error: Error) => error.name === 'NoSuchEntityException');
    // Assess
    expect(byDefault?.steps[0]).toMatchObject({
      status: 'skipped-mode',
      reason: expect.stringContaining('switched off'),
    });
    expect(stillThere).toBe(true);
    expect(enabled?.steps[0]?.status).toBe('succeeded');
    expect(enabled?.steps[0]?.undoCommand).toBeUndefined();
    expect(gone).toBe(true);
  });

  it('acts once when five deliveries of the same finding arrive at the same time', async () => {
    // Prepare
    const user = await actor();
    const f = keyFinding(user);
    const writes: string[] = [];
    const counting = new IAMClient(motoClientConfig());
    counting.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'UpdateAccessKeyCommand') writes.push(context.commandName);
        return next(args);
      },
      { step: 'initialize', name: 'countWrites' },
    );
    // moto applies concurrent writes to one item non-atomically; DynamoDB does not (see atomicMotoDynamoDbClient).
    const atomic = new DynamoDbAuditStore(atomicMotoDynamoDbClient(), `audit-${suffix}`);
    const d = deps(
      {},
      {
        audit: atomic,
        context: {
          clients: { ...clients, iam: counting },
          quarantinePolicyArn,
          accountId: ACCOUNT,
          partition: 'aws',
        },
      },
    ).deps;
    // Act
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => remediateFinding(f, d)));
    const redelivered = await remediateFinding(f, d);
    // Assess
    expect(writes).toHaveLength(1);
    const acted = results.filter((r) => r.status === 'fulfilled');
    const deferred = results.filter((r) => r.status === 'rejected');
    expect(acted.length).toBeGreaterThanOrEqual(1);
    for (const r of deferred)
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(TransientRemediationError);
    expect(redelivered?.steps[0]?.status).toBe('succeeded');
    const records = await audit.get(f.id);
    expect(records.map((r) => [r.status, r.attempts])).toEqual([['succeeded', 6]]);
    expect(await keyStatus(user)).toBe('Inactive');
  });
});
