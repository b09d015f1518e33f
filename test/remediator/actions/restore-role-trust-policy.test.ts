import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { CreateRoleCommand, GetRoleCommand, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type RestoreRoleTrustPolicyParams,
  restoreRoleTrustPolicy,
} from '../../../lambdas/remediator/actions/restore-role-trust-policy';
import {
  type ActionContext,
  InvalidActionParamsError,
  PermanentActionError,
} from '../../../lambdas/remediator/actions/types';
import { policyFingerprint } from '../../../lambdas/remediator/policy-fingerprint';
import { motoClientConfig } from '../../support/aws';
import { actionContext, motoActionClients, uniqueName } from './support';

/*
 * IAM runs in moto for real (GetRole, UpdateAssumeRolePolicy). moto 5.2.1 does not implement CloudTrail
 * LookupEvents, so that one call is answered by aws-sdk-client-mock on a CloudTrail client used only here.
 */
const history = new CloudTrailClient(motoClientConfig());
const lookupEvents = mockClient(history);
let clients: ReturnType<typeof motoActionClients>;
let ctx: ActionContext;

beforeAll(() => {
  clients = motoActionClients();
  ctx = { ...actionContext(clients), clients: { ...clients, cloudTrail: () => history } };
});

afterEach(() => lookupEvents.reset());
afterAll(() => clients.destroy());

const trust = (principal: Record<string, string>) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' }],
  });
const ORIGINAL = trust({ Service: 'lambda.amazonaws.com' });
const INTERIM = trust({ AWS: 'arn:aws:iam::123456789012:root' });
const BACKDOOR = trust({ AWS: 'arn:aws:iam::999999999999:root' });
const EVENT_TIME = '2026-11-22T10:00:00Z';

/** A CloudTrail event-history entry, as LookupEvents returns it. */
function historyEvent(
  eventName: 'CreateRole' | 'UpdateAssumeRolePolicy',
  roleName: string,
  document: string,
  eventTime: string,
  extra: Record<string, unknown> = {},
) {
  const eventId = uniqueName('evt');
  const requestParameters =
    eventName === 'CreateRole'
      ? { roleName, assumeRolePolicyDocument: document }
      : { roleName, policyDocument: document };
  return {
    EventId: eventId,
    EventName: eventName,
    EventTime: new Date(eventTime),
    CloudTrailEvent: JSON.stringify({
      eventID: eventId,
      eventTime,
      eventSource: 'iam.amazonaws.com',
      eventName,
      requestParameters,
      ...extra,
    }),
  };
}

/** A role created with ORIGINAL whose trust policy was then replaced with BACKDOOR (the offending call). */
async function backdooredRole(): Promise<{
  params: RestoreRoleTrustPolicyParams;
  created: ReturnType<typeof historyEvent>;
}> {
  const roleName = uniqueName('tg-rtp');
  await clients.iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: ORIGINAL }));
  await clients.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: BACKDOOR }));
  const created = historyEvent('CreateRole', roleName, ORIGINAL, '2026-11-01T08:00:00Z');
  const params = {
    roleName,
    policyFingerprint: policyFingerprint(BACKDOOR) ?? '',
    eventId: 'offending-event-id',
    eventTime: EVENT_TIME,
    region: 'us-east-1',
  };
  return { params, created };
}

async function trustPolicy(roleName: string): Promise<unknown> {
  const out = await clients.iam.send(new GetRoleCommand({ RoleName: roleName }));
  return JSON.parse(decodeURIComponent(out.Role?.AssumeRolePolicyDocument ?? ''));
}

describe('iam.restore-role-trust-policy parseParams', () => {
  it('throws InvalidActionParamsError naming the param when the fingerprint is not a SHA-256', () => {
    const params = {
      roleName: 'r',
      policyFingerprint: 'abc',
      eventId: 'e',
      eventTime: EVENT_TIME,
      region: 'us-east-1',
    };
    expect(() => restoreRoleTrustPolicy.parseParams(params)).toThrow(InvalidActionParamsError);
    expect(() => restoreRoleTrustPolicy.parseParams(params)).toThrow('param "policyFingerprint"');
  });
});

describe('iam.restore-role-trust-policy execute and undo (IAM in moto, LookupEvents mocked)', () => {
  it('restores the trust policy from the CreateRole in the history, and undo puts the changed one back', async () => {
    // Prepare
    const { params, created } = await backdooredRole();
    const offending = {
      ...historyEvent('UpdateAssumeRolePolicy', params.roleName, BACKDOOR, EVENT_TIME),
      EventId: params.eventId,
    };
    lookupEvents.on(LookupEventsCommand).resolves({ Events: [offending, created] });
    const before = await trustPolicy(params.roleName);
    // Act
    const done = await restoreRoleTrustPolicy.execute(params, ctx);
    const during = await trustPolicy(params.roleName);
    const undone = await restoreRoleTrustPolicy.undo(params, done.before, ctx, done.after);
    const after = await trustPolicy(params.roleName);
    // Assess
    expect(before).toEqual(JSON.parse(BACKDOOR));
    expect(done).toMatchObject({
      status: 'applied',
      after: { source: { eventId: created.EventId, eventName: 'CreateRole' } },
    });
    expect(during).toEqual(JSON.parse(ORIGINAL));
    expect(undone.status).toBe('applied');
    expect(after).toEqual(JSON.parse(BACKDOOR));
    const input = lookupEvents.commandCalls(LookupEventsCommand)[0]?.args[0].input;
    expect(input?.LookupAttributes).toEqual([
      { AttributeKey: 'ResourceName', AttributeValue: params.roleName },
    ]);
    expect(input?.EndTime).toEqual(new Date(EVENT_TIME));
  });

  it('takes the newest earlier successful change, skipping failed calls and other roles', async () => {
    // Prepare
    const { params, created } = await backdooredRole();
    const failed = historyEvent('UpdateAssumeRolePolicy', params.roleName, BACKDOOR, '2026-11-20T00:00:00Z', {
      errorCode: 'AccessDenied',
    });
    const otherRole = historyEvent(
      'UpdateAssumeRolePolicy',
      'someone-else',
      BACKDOOR,
      '2026-11-19T00:00:00Z',
    );
    const interim = historyEvent('UpdateAssumeRolePolicy', params.roleName, INTERIM, '2026-11-10T00:00:00Z');
    lookupEvents.on(LookupEventsCommand).resolves({ Events: [failed, otherRole, interim, created] });
    // Act
    const done = await restoreRoleTrustPolicy.execute(params, ctx);
    // Assess
    expect(done.after).toMatchObject({ source: { eventId: interim.EventId } });
    expect(await trustPolicy(params.roleName)).toEqual(JSON.parse(INTERIM));
  });

  it('refuses with a permanent failure, changing nothing, when the history holds no earlier trust policy', async () => {
    // Prepare
    const { params } = await backdooredRole();
    lookupEvents.on(LookupEventsCommand).resolves({ Events: [] });
    // Act
    const act = restoreRoleTrustPolicy.execute(params, ctx);
    // Assess
    await expect(act).rejects.toThrow(PermanentActionError);
    await expect(act).rejects.toThrow('never guesses');
    expect(await trustPolicy(params.roleName)).toEqual(JSON.parse(BACKDOOR));
  });

  it('refuses to overwrite a later change when the role no longer has the offending document', async () => {
    // Prepare
    const { params, created } = await backdooredRole();
    await clients.iam.send(
      new UpdateAssumeRolePolicyCommand({ RoleName: params.roleName, PolicyDocument: INTERIM }),
    );
    lookupEvents.on(LookupEventsCommand).resolves({ Events: [created] });
    // Act
    const act = restoreRoleTrustPolicy.execute(params, ctx);
    // Assess
    await expect(act).rejects.toThrow('changed again after the offending call');
    expect(await trustPolicy(params.roleName)).toEqual(JSON.parse(INTERIM));
  });

  it('reports already-applied when the role already has its earlier trust policy', async () => {
    // Prepare
    const { params, created } = await backdooredRole();
    await clients.iam.send(
      new UpdateAssumeRolePolicyCommand({ RoleName: params.roleName, PolicyDocument: ORIGINAL }),
    );
    lookupEvents.on(LookupEventsCommand).resolves({ Events: [created] });
    // Act
    const done = await restoreRoleTrustPolicy.execute(params, ctx);
    // Assess
    expect(done.status).toBe('already-applied');
  });
});
