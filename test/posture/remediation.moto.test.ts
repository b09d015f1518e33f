/**
 * Posture findings through the real remediator against moto: a key unused past the threshold is disabled in enforce
 * mode, and the guardrails every rule has apply to posture findings too: dry-run, the kill switch, the protected
 * principals list and the protection tag. Modes are read from SSM by both sides, as in the stack.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  ListAccessKeysCommand,
  TagUserCommand,
} from '@aws-sdk/client-iam';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbAuditStore } from '../../lambdas/adapters/dynamodb-audit';
import { ConfigSource } from '../../lambdas/config/config-source';
import { ssmParameterFetcher } from '../../lambdas/config/ssm-fetcher';
import { InMemoryStateStore } from '../../lambdas/engine/state/memory';
import type { Finding } from '../../lambdas/engine/types';
import type { RemediationOutcome } from '../../lambdas/findings/outcome';
import { assessPosture } from '../../lambdas/posture/assess';
import { POSTURE_CONFIG_ENTRIES } from '../../lambdas/posture/settings';
import { ACTIONS } from '../../lambdas/remediator/actions';
import { StateStoreCircuitBreaker } from '../../lambdas/remediator/circuit-breaker';
import { type RemediatorDeps, remediateFinding } from '../../lambdas/remediator/remediate';
import { catalog } from '../../lambdas/rules';
import { recordingLog } from '../../lambdas/shared/log';
import { createAuditTable } from '../../local/tables';
import { motoActionClients } from '../remediator/actions/support';
import { motoClientConfig } from '../support/aws';

const ACCOUNT = '123456789012';
const suffix = Math.random().toString(36).slice(2, 8);
const P = `tgr-${suffix}-`;
const UNUSED = 'posture.access-key-unused';
const later = (days: number) => new Date(Date.now() + days * 24 * 3600 * 1000);

let clients: ReturnType<typeof motoActionClients>;
let sts: STSClient;
let ssm: SSMClient;
let audit: DynamoDbAuditStore;
let n = 0;

beforeAll(async () => {
  clients = motoActionClients();
  sts = new STSClient(motoClientConfig());
  ssm = new SSMClient(motoClientConfig());
  const dynamodb = new DynamoDBClient(motoClientConfig());
  await createAuditTable(dynamodb, `posture-audit-${suffix}`);
  audit = new DynamoDbAuditStore(dynamodb, `posture-audit-${suffix}`);
});

afterAll(() => {
  clients.destroy();
  sts.destroy();
  ssm.destroy();
});

/** A fresh configuration prefix with these parameters (relative names). */
async function config(parameters: Record<string, string> = {}): Promise<string> {
  n += 1;
  const prefix = `/tg-remediation-${suffix}-${n}`;
  for (const [name, value] of Object.entries(parameters)) {
    await ssm.send(new PutParameterCommand({ Name: `${prefix}/${name}`, Value: value, Type: 'String' }));
  }
  return prefix;
}

async function userWithKey(name: string, tags: Record<string, string> = {}) {
  const userName = `${P}${name}`;
  await clients.iam.send(new CreateUserCommand({ UserName: userName }));
  if (Object.keys(tags).length > 0) {
    await clients.iam.send(
      new TagUserCommand({
        UserName: userName,
        Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
  }
  const key = await clients.iam.send(new CreateAccessKeyCommand({ UserName: userName }));
  return { userName, accessKeyId: key.AccessKey?.AccessKeyId ?? '' };
}

async function keyStatus(user: { userName: string; accessKeyId: string }) {
  const out = await clients.iam.send(new ListAccessKeysCommand({ UserName: user.userName }));
  return out.AccessKeyMetadata?.find((k) => k.AccessKeyId === user.accessKeyId)?.Status;
}

/** The unused-key finding the posture run raises for this user, 100 days from now. */
async function unusedKeyFinding(userName: string, prefix: string): Promise<Finding> {
  const { findings } = await assessPosture({
    iam: clients.iam,
    sts,
    prefix,
    fetchConfig: ssmParameterFetcher(ssm, prefix),
    asOf: later(100),
    sleep: async () => {},
  });
  const found = findings.find(
    (f) => f.finding.ruleId === UNUSED && f.finding.principal.identityName === userName,
  );
  if (!found) throw new Error(`no ${UNUSED} finding for ${userName}`);
  return found.finding;
}

/** The remediator as the handler builds it: the catalog and the posture checks share the SSM configuration. */
function remediator(prefix: string): { deps: RemediatorDeps; outcomes: RemediationOutcome[] } {
  const outcomes: RemediationOutcome[] = [];
  const deps: RemediatorDeps = {
    config: new ConfigSource({
      prefix,
      rules: [...catalog, ...POSTURE_CONFIG_ENTRIES],
      fetch: ssmParameterFetcher(ssm, prefix),
      maxAgeSeconds: 0,
    }),
    audit,
    actions: ACTIONS,
    context: {
      clients,
      quarantinePolicyArn: `arn:aws:iam::${ACCOUNT}:policy/none`,
      accountId: ACCOUNT,
      partition: 'aws',
    },
    iam: clients.iam,
    circuit: new StateStoreCircuitBreaker(new InMemoryStateStore()),
    stackName: 'TrailGuard',
    actor: 'lambda:test-remediator',
    publishOutcome: async (outcome) => {
      outcomes.push(outcome);
    },
    log: recordingLog(),
  };
  return { deps, outcomes };
}

describe('stale-key remediation of posture findings', () => {
  it('disables the unused key in enforce mode, the default of the check', async () => {
    // Prepare
    const user = await userWithKey('stale');
    const prefix = await config();
    const finding = await unusedKeyFinding(user.userName, prefix);
    const { deps } = remediator(prefix);
    // Act
    const outcome = await remediateFinding(finding, deps);
    // Assess
    expect(finding.mode).toBe('enforce');
    expect(outcome?.steps.map((s) => s.status)).toEqual(['succeeded']);
    expect(await keyStatus(user)).toBe('Inactive');
  });

  it('records the plan and changes nothing when the check is in dry-run', async () => {
    // Prepare
    const user = await userWithKey('dry');
    const prefix = await config({ [`rules/${UNUSED}/mode`]: 'dry-run' });
    const finding = await unusedKeyFinding(user.userName, prefix);
    const { deps } = remediator(prefix);
    // Act
    const outcome = await remediateFinding(finding, deps);
    // Assess
    expect(finding.mode).toBe('dry-run');
    expect(outcome?.steps[0]).toMatchObject({
      status: 'dry-run',
      reason: expect.stringMatching(/^would: access key/),
    });
    expect(await keyStatus(user)).toBe('Active');
  });

  it('re-reads the mode from SSM at action time: a check switched to dry-run after the run changes nothing', async () => {
    // Prepare: raised in enforce, then an operator switches the check to dry-run before the remediator acts.
    const user = await userWithKey('switched');
    const prefix = await config();
    const finding = await unusedKeyFinding(user.userName, prefix);
    await ssm.send(
      new PutParameterCommand({ Name: `${prefix}/rules/${UNUSED}/mode`, Value: 'dry-run', Type: 'String' }),
    );
    const { deps } = remediator(prefix);
    // Act
    const outcome = await remediateFinding(finding, deps);
    // Assess
    expect(finding.mode).toBe('enforce');
    expect(outcome?.mode).toBe('dry-run');
    expect(await keyStatus(user)).toBe('Active');
  });

  it('skips a user on the protected principals list', async () => {
    // Prepare
    const user = await userWithKey('breakglass');
    const prefix = await config({ 'protected-principals': `arn:aws:iam::${ACCOUNT}:user/${P}breakglass*` });
    const finding = await unusedKeyFinding(user.userName, prefix);
    const { deps } = remediator(prefix);
    // Act
    const outcome = await remediateFinding(finding, deps);
    // Assess
    expect(outcome?.steps[0]).toMatchObject({
      status: 'skipped-protected',
      reason: expect.stringContaining('protected pattern'),
    });
    expect(await keyStatus(user)).toBe('Active');
  });

  it('skips a user tagged trailguard:protected=true', async () => {
    // Prepare
    const user = await userWithKey('tagged', { 'trailguard:protected': 'true' });
    const prefix = await config();
    const finding = await unusedKeyFinding(user.userName, prefix);
    const { deps } = remediator(prefix);
    // Act
    const outcome = await remediateFinding(finding, deps);
    // Assess
    expect(outcome?.steps[0]).toMatchObject({
      status: 'skipped-protected',
      reason: 'tagged trailguard:protected=true',
    });
    expect(await keyStatus(user)).toBe('Active');
  });

  it('only alerts when the kill switch is on', async () => {
    // Prepare
    const user = await userWithKey('killed');
    const prefix = await config({ 'kill-switch': 'on' });
    const finding = await unusedKeyFinding(user.userName, prefix);
    const { deps } = remediator(prefix);
    // Act
    const outcome = await remediateFinding(finding, deps);
    // Assess
    expect(finding.mode).toBe('alert');
    expect(outcome?.steps[0]?.status).toBe('skipped-kill-switch');
    expect(await keyStatus(user)).toBe('Active');
  });

  it('does not act twice on the same unchanged violation the next day', async () => {
    // Prepare
    const user = await userWithKey('twice');
    const prefix = await config();
    const first = await unusedKeyFinding(user.userName, prefix);
    const { deps } = remediator(prefix);
    await remediateFinding(first, deps);
    // Act: the key is Inactive now, so the next run does not even raise the violation; an earlier report re-sent
    // (a retry) carries the same id and is answered from the audit trail.
    const again = await remediateFinding(first, deps);
    const next = await assessPosture({
      iam: clients.iam,
      sts,
      prefix,
      fetchConfig: ssmParameterFetcher(ssm, prefix),
      asOf: later(101),
      sleep: async () => {},
    });
    // Assess
    expect(again?.steps.map((s) => s.status)).toEqual(['succeeded']);
    expect(
      next.findings.some(
        (f) => f.finding.principal.identityName === user.userName && f.finding.ruleId === UNUSED,
      ),
    ).toBe(false);
  });
});
