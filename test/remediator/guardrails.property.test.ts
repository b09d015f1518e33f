import { randomUUID } from 'node:crypto';
import { CreateRoleCommand, CreateUserCommand, TagRoleCommand, TagUserCommand } from '@aws-sdk/client-iam';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbAuditStore } from '../../lambdas/adapters/dynamodb-audit';
import { ConfigSource } from '../../lambdas/config/config-source';
import { InMemoryStateStore } from '../../lambdas/engine/state/memory';
import {
  type ActionId,
  FINDING_SCHEMA_VERSION,
  type Finding,
  type RemediationStep,
  type Rule,
} from '../../lambdas/engine/types';
import { ACTIONS, type RemediationAction } from '../../lambdas/remediator/actions';
import { type CircuitBreaker, StateStoreCircuitBreaker } from '../../lambdas/remediator/circuit-breaker';
import {
  type RemediatorDeps,
  remediateFinding,
  TransientRemediationError,
} from '../../lambdas/remediator/remediate';
import { recordingLog } from '../../lambdas/shared/log';
import { createAuditTable } from '../../local/tables';
import { atomicMotoDynamoDbClient } from '../adapters/support';
import { motoActionClients } from './actions/support';

/*
 * Properties of the guardrails over random findings. IAM (the protection check reads the real ARN and tags) and
 * the audit table run in moto; the actions' writes are replaced by recorders, because what is under test is
 * whether remediation decides to act, not the AWS call itself (each action's call is tested in actions/).
 */
const ACCOUNT = '123456789012';
const STACK = 'TgProp';
const RULE_ID = 'iam.admin-policy-attached';
const rule = { id: RULE_ID, defaultMode: 'enforce', threshold: undefined } as unknown as Rule;
const suffix = randomUUID().slice(0, 6);
const allowAll: CircuitBreaker = {
  reserve: async (_account, limit) => ({ allowed: true, count: 1, limit, release: async () => {} }),
};

interface PoolPrincipal {
  readonly type: 'user' | 'role';
  readonly name: string;
  /** The ARN as IAM reports it, with its path. */
  readonly arn: string;
  readonly tagged: boolean;
}

let clients: ReturnType<typeof motoActionClients>;
let audit: DynamoDbAuditStore;
const pool: PoolPrincipal[] = [];

beforeAll(async () => {
  clients = motoActionClients();
  const table = `audit-prop-${suffix}`;
  const dynamodb = atomicMotoDynamoDbClient();
  await createAuditTable(dynamodb, table);
  audit = new DynamoDbAuditStore(dynamodb, table);
  const specs: [PoolPrincipal['type'], string, string, boolean][] = [
    ['user', `alice-${suffix}`, '/', false],
    ['user', `bob-${suffix}`, '/breakglass/', false],
    ['user', `carol-${suffix}`, '/ops/', true],
    ['user', `dave-${suffix}`, '/ops/', false],
    ['role', `deploy-${suffix}`, '/', false],
    ['role', `BreakGlassAdmin-${suffix}`, '/', false],
    ['role', `${STACK}-Remediator-${suffix}`, '/', false],
    ['role', `etl-${suffix}`, '/service/', true],
    ['role', `reporting-${suffix}`, '/service/', false],
  ];
  for (const [type, name, path, tagged] of specs) {
    const tags = tagged ? [{ Key: 'trailguard:protected', Value: 'TRUE' }] : [];
    if (type === 'user') {
      await clients.iam.send(new CreateUserCommand({ UserName: name, Path: path }));
      if (tagged) await clients.iam.send(new TagUserCommand({ UserName: name, Tags: tags }));
    } else {
      await clients.iam.send(
        new CreateRoleCommand({
          RoleName: name,
          Path: path,
          AssumeRolePolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
            ],
          }),
        }),
      );
      if (tagged) await clients.iam.send(new TagRoleCommand({ RoleName: name, Tags: tags }));
    }
    pool.push({ type, name, arn: `arn:aws:iam::${ACCOUNT}:${type}${path}${name}`, tagged });
  }
});

afterAll(() => clients.destroy());

/** Independent oracle for a protected-list pattern: `*` is any run of characters, case-insensitive. */
function globMatches(pattern: string, arn: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 'i').test(arn);
}

function isProtected(principal: PoolPrincipal, patterns: readonly string[]): boolean {
  return (
    principal.tagged ||
    principal.name.toLowerCase().startsWith(`${STACK.toLowerCase()}-`) ||
    patterns.some((p) => globMatches(p, principal.arn))
  );
}

/** Patterns an operator might configure over the pool: exact ARNs, path and name wildcards, and noise. */
const patternArb = fc.oneof(
  fc.constantFrom(
    `arn:aws:iam::${ACCOUNT}:user/breakglass/*`,
    `arn:aws:iam::${ACCOUNT}:role/BreakGlass*`,
    `arn:aws:iam::${ACCOUNT}:user/ops/*`,
    `arn:aws:iam::*:role/service/*`,
    'arn:aws:iam::111122223333:user/*',
    `arn:aws:iam::${ACCOUNT}:user/nobody`,
  ),
  fc
    .integer({ min: 0, max: 8 })
    .map(
      (i) =>
        `arn:aws:iam::${ACCOUNT}:*${(['alice', 'bob', 'carol', 'dave', 'deploy', 'BreakGlass', 'etl', 'reporting', 'nope'] as const)[i]}*`,
    ),
);

/** A plan step acting on one pool principal, with an action that applies to its type. */
function stepFor(principal: PoolPrincipal, kind: number): RemediationStep {
  if (principal.type === 'user') {
    const steps: RemediationStep[] = [
      {
        action: 'iam.quarantine-principal',
        params: { principalType: 'user', principalName: principal.name },
        description: 'q',
      },
      {
        action: 'iam.disable-access-key',
        params: { userName: principal.name, accessKeyId: 'AKIAIOSFODNN7EXAMPLE' },
        description: 'k',
      },
      { action: 'iam.delete-login-profile', params: { userName: principal.name }, description: 'l' },
      {
        action: 'iam.detach-admin-policy',
        params: {
          principalType: 'user',
          principalName: principal.name,
          policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
        },
        description: 'd',
      },
    ];
    return steps[kind % steps.length] as RemediationStep;
  }
  const steps: RemediationStep[] = [
    {
      action: 'iam.quarantine-principal',
      params: { principalType: 'role', principalName: principal.name },
      description: 'q',
    },
    { action: 'iam.revoke-role-sessions', params: { roleName: principal.name }, description: 's' },
    {
      action: 'iam.detach-admin-policy',
      params: {
        principalType: 'role',
        principalName: principal.name,
        policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      },
      description: 'd',
    },
  ];
  return steps[kind % steps.length] as RemediationStep;
}

function finding(remediation: RemediationStep[]): Finding {
  return {
    schemaVersion: FINDING_SCHEMA_VERSION,
    id: `prop-${randomUUID()}`,
    ruleId: RULE_ID,
    title: 't',
    severity: 'critical',
    attack: [],
    summary: 's',
    eventIds: ['e'],
    eventTime: '2026-11-22T10:00:00Z',
    principal: { type: 'IAMUser' },
    evidence: [],
    mode: 'enforce',
    remediation,
    runbook: 'r',
    detectedAt: '2026-11-22T10:00:01Z',
  };
}

/** The real actions (params, targets) with every write replaced by a recorder. */
function recordingActions(executed: { action: ActionId; params: Record<string, string> }[], delayMs = 0) {
  const actions = {} as Record<ActionId, RemediationAction<unknown>>;
  for (const [id, action] of Object.entries(ACTIONS) as [ActionId, RemediationAction<unknown>][]) {
    actions[id] = {
      ...action,
      async execute(params) {
        if (delayMs > 0) await new Promise((r) => setTimeout(r, Math.random() * delayMs));
        executed.push({ action: id, params: params as Record<string, string> });
        return { status: 'applied', before: {}, after: {}, message: 'recorded' };
      },
    };
  }
  return actions;
}

function deps(
  raw: Record<string, string>,
  actions: Readonly<Record<ActionId, RemediationAction<unknown>>>,
  circuit: CircuitBreaker = allowAll,
): RemediatorDeps {
  return {
    config: new ConfigSource({ prefix: '/tg', rules: [rule], maxAgeSeconds: 0, fetch: async () => raw }),
    audit,
    actions,
    context: {
      clients,
      quarantinePolicyArn: `arn:aws:iam::${ACCOUNT}:policy/q`,
      accountId: ACCOUNT,
      partition: 'aws',
    },
    iam: clients.iam,
    circuit,
    stackName: STACK,
    actor: 'lambda:property-test',
    publishOutcome: async () => {},
    log: recordingLog(),
  };
}

const EVERY_ACTION_ON = Object.fromEntries(
  Object.keys(ACTIONS).map((id) => [`remediation/actions/${id}/enabled`, 'on']),
);

describe('guardrail properties', () => {
  it('never acts on a protected principal, and acts on every other one, for random plans and protected lists', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(patternArb, { maxLength: 4 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 8 }), fc.nat()), { minLength: 1, maxLength: 5 }),
        async (patterns, picks) => {
          // Prepare
          const targets = picks.map(([i]) => pool[i % pool.length] as PoolPrincipal);
          const plan = picks.map(([i, kind]) => stepFor(pool[i % pool.length] as PoolPrincipal, kind));
          const executed: { action: ActionId; params: Record<string, string> }[] = [];
          const raw = {
            ...EVERY_ACTION_ON,
            ...(patterns.length > 0 ? { 'protected-principals': patterns.join(',') } : {}),
          };
          // Act
          const outcome = await remediateFinding(finding(plan), deps(raw, recordingActions(executed)));
          // Assess
          for (const [index, target] of targets.entries()) {
            const status = outcome?.steps[index]?.status;
            if (isProtected(target, patterns)) expect(status, target.arn).toBe('skipped-protected');
            else expect(status, target.arn).toBe('succeeded');
          }
          const touched = executed.map(
            (e) => e.params.principalName ?? e.params.userName ?? e.params.roleName,
          );
          for (const name of touched) {
            const principal = pool.find((p) => p.name === name) as PoolPrincipal;
            expect(isProtected(principal, patterns), principal.arn).toBe(false);
          }
        },
      ),
      { numRuns: 30 },
    );
  }, 180_000);

  it('acts exactly once per step however many deliveries arrive, in any interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 3 }),
        async (batches, steps) => {
          // Prepare: steps on trails (no principal), so every step acts when decided
          const executed: { action: ActionId; params: Record<string, string> }[] = [];
          const plan = Array.from({ length: steps }, (_, i) => ({
            action: 'cloudtrail.start-logging' as const,
            params: { trail: `trail-${i}`, region: 'us-east-1' },
            description: 'start',
          }));
          const f = finding(plan);
          const d = deps({}, recordingActions(executed, 20));
          // Act: batches of concurrent deliveries, then one last delivery once everything settled
          for (const size of batches) {
            const results = await Promise.allSettled(
              Array.from({ length: size }, () => remediateFinding(f, d)),
            );
            for (const r of results) {
              if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(TransientRemediationError);
            }
          }
          const last = await remediateFinding(f, d);
          // Assess
          expect(executed.map((e) => e.params.trail).sort()).toEqual(plan.map((s) => s.params.trail).sort());
          expect(last?.steps.map((s) => s.status)).toEqual(plan.map(() => 'succeeded'));
          const records = await audit.get(f.id);
          expect(records).toHaveLength(steps);
        },
      ),
      { numRuns: 15 },
    );
  }, 180_000);

  it('never lets more actions than the limit through in any rolling hour, per account', async () => {
    const event = fc.record({
      advanceSeconds: fc.integer({ min: 0, max: 1800 }),
      account: fc.constantFrom('111111111111', '222222222222'),
      burst: fc.integer({ min: 1, max: 5 }),
      outcome: fc.constantFrom('applied', 'applied', 'unchanged'),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.array(event, { minLength: 1, maxLength: 40 }),
        async (limit, events) => {
          // Prepare
          let now = Date.parse('2026-11-22T00:00:00Z') + 7 * 60_000; // not aligned to a bucket
          const store = new InMemoryStateStore(() => now);
          const breaker = new StateStoreCircuitBreaker(store, { now: () => now });
          const kept: { account: string; at: number }[] = [];
          // Act
          for (const e of events) {
            now += e.advanceSeconds * 1000;
            const slots = await Promise.all(
              Array.from({ length: e.burst }, () => breaker.reserve(e.account, limit)),
            );
            for (const slot of slots) {
              if (!slot.allowed) continue;
              if (e.outcome === 'unchanged') await slot.release();
              else kept.push({ account: e.account, at: now });
            }
            // Assess: every rolling hour ending now holds at most `limit` kept actions per account
            for (const account of ['111111111111', '222222222222']) {
              const inHour = kept.filter((k) => k.account === account && k.at > now - 3_600_000).length;
              expect(inHour).toBeLessThanOrEqual(limit);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('allows the full limit in a fresh hour', async () => {
    // Prepare
    const now = Date.parse('2026-11-22T00:00:00Z');
    const breaker = new StateStoreCircuitBreaker(new InMemoryStateStore(() => now), { now: () => now });
    // Act
    const slots = [];
    for (let i = 0; i < 4; i++) slots.push(await breaker.reserve('111111111111', 3));
    // Assess
    expect(slots.map((s) => s.allowed)).toEqual([true, true, true, false]);
  });
});
