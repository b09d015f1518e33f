import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type AuditBeginInput,
  AuditStepNotUndoableError,
  DynamoDbAuditStore,
} from '../../lambdas/adapters/dynamodb-audit';
import { createAuditTable } from '../../local/tables';
import { motoClientConfig } from '../support/aws';

let client: DynamoDBClient;
let table: string;
let now = new Date('2026-11-22T10:00:00Z');
let store: DynamoDbAuditStore;

beforeAll(async () => {
  client = new DynamoDBClient(motoClientConfig());
  table = `audit-claims-${randomUUID().slice(0, 8)}`;
  await createAuditTable(client, table);
  store = new DynamoDbAuditStore(client, table, { now: () => now });
});

function input(): AuditBeginInput {
  return {
    findingId: `claims-${randomUUID()}`,
    stepKey: 'step-000',
    stepIndex: 0,
    ruleId: 'r',
    actionId: 'iam.disable-access-key',
    params: { userName: 'alice', accessKeyId: 'AKIAIOSFODNN7EXAMPLE' },
    mode: 'enforce',
    actor: 'lambda:test',
  };
}

describe('DynamoDbAuditStore claims (moto)', () => {
  it('gives a step to one delivery until its lease runs out, then to the next', async () => {
    // Prepare
    const step = input();
    await store.begin(step);
    // Act
    const first = await store.claim(step.findingId, step.stepKey, 'delivery-a', 180);
    const rival = await store.claim(step.findingId, step.stepKey, 'delivery-b', 180);
    now = new Date(now.getTime() + 181_000);
    const takeover = await store.claim(step.findingId, step.stepKey, 'delivery-b', 180);
    // Assess
    expect([first, rival, takeover]).toEqual([true, false, true]);
  });

  it('frees a released claim at once, and never claims a decided step', async () => {
    // Prepare
    const step = input();
    await store.begin(step);
    await store.claim(step.findingId, step.stepKey, 'delivery-a', 180);
    // Act
    await store.releaseClaim(step.findingId, step.stepKey, 'delivery-b'); // not its claim: no effect
    const whileHeld = await store.claim(step.findingId, step.stepKey, 'delivery-c', 180);
    await store.releaseClaim(step.findingId, step.stepKey, 'delivery-a');
    const afterRelease = await store.claim(step.findingId, step.stepKey, 'delivery-c', 180);
    await store.finish(step.findingId, step.stepKey, { status: 'succeeded' });
    now = new Date(now.getTime() + 3_600_000);
    const decided = await store.claim(step.findingId, step.stepKey, 'delivery-d', 180);
    // Assess
    expect([whileHeld, afterRelease, decided]).toEqual([false, true, false]);
  });

  it('marks a succeeded step undone once, with who and when, and refuses anything else', async () => {
    // Prepare
    const done = input();
    const skipped = input();
    await store.begin(done);
    await store.finish(done.findingId, done.stepKey, { status: 'succeeded', before: { status: 'Active' } });
    await store.begin(skipped);
    await store.finish(skipped.findingId, skipped.stepKey, { status: 'skipped-protected' });
    // Act
    const undone = await store.markUndone(done.findingId, done.stepKey, {
      by: 'arn:aws:iam::1:user/ops',
      message: 'm',
    });
    const twice = await store
      .markUndone(done.findingId, done.stepKey, { by: 'x', message: 'm' })
      .catch((e: unknown) => e);
    const refused = await store
      .markUndone(skipped.findingId, skipped.stepKey, { by: 'x', message: 'm' })
      .catch((e: unknown) => e);
    // Assess
    expect(undone).toMatchObject({
      status: 'undone',
      undo: { by: 'arn:aws:iam::1:user/ops', at: now.toISOString() },
    });
    expect(twice).toBeInstanceOf(AuditStepNotUndoableError);
    expect((twice as AuditStepNotUndoableError).record?.status).toBe('undone');
    expect(refused).toBeInstanceOf(AuditStepNotUndoableError);
    expect((refused as Error).message).toContain('is skipped-protected, not succeeded');
  });

  it('lists the steps changed since a time, oldest first', async () => {
    // Prepare
    const old = input();
    const recent = input();
    now = new Date('2020-01-01T00:00:00Z');
    await store.begin(old);
    now = new Date('2030-01-01T00:00:00Z');
    await store.begin(recent);
    // Act
    const listed = await store.list(new Date('2029-12-31T00:00:00Z'));
    // Assess
    expect(listed.map((r) => r.findingId)).toContain(recent.findingId);
    expect(listed.map((r) => r.findingId)).not.toContain(old.findingId);
  });
});
