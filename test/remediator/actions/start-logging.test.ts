import {
  GetTrailStatusCommand,
  StartLoggingCommand,
  TrailNotFoundException,
} from '@aws-sdk/client-cloudtrail';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLogging } from '../../../lambdas/remediator/actions/start-logging';
import {
  type ActionContext,
  InvalidActionParamsError,
  PermanentActionError,
} from '../../../lambdas/remediator/actions/types';
import { actionContext, createTrail, motoActionClients, uniqueName } from './support';

let clients: ReturnType<typeof motoActionClients>;
let ctx: ActionContext;

beforeAll(() => {
  clients = motoActionClients();
  ctx = actionContext(clients);
});

afterAll(() => clients.destroy());

async function trailIsLogging(name: string, region: string): Promise<boolean | undefined> {
  return (await clients.cloudTrail(region).send(new GetTrailStatusCommand({ Name: name }))).IsLogging;
}

describe('cloudtrail.start-logging parseParams', () => {
  it('uses the region param when trail is a name', () => {
    expect(startLogging.parseParams({ trail: 'org-trail', region: 'eu-central-1' })).toEqual({
      trail: 'org-trail',
      trailName: 'org-trail',
      region: 'eu-central-1',
    });
  });

  it('takes region, account and name from the ARN when trail is an ARN, ignoring the region param', () => {
    const arn = 'arn:aws:cloudtrail:ap-southeast-2:123456789012:trail/main';

    expect(startLogging.parseParams({ trail: arn, region: 'us-east-1' })).toEqual({
      trail: arn,
      trailName: 'main',
      region: 'ap-southeast-2',
      ownerAccountId: '123456789012',
    });
  });

  it('does not need the region param when trail is an ARN', () => {
    const arn = 'arn:aws-us-gov:cloudtrail:us-gov-west-1:123456789012:trail/main';

    expect(startLogging.parseParams({ trail: arn }).region).toBe('us-gov-west-1');
  });

  it.each([
    [{ region: 'us-east-1' }, 'trail', 'is required'],
    [{ trail: 'ab', region: 'us-east-1' }, 'trail', 'must be a trail name'],
    [{ trail: 'bad name!', region: 'us-east-1' }, 'trail', 'must be a trail name'],
    [{ trail: 'arn:aws:s3:::bucket', region: 'us-east-1' }, 'trail', 'must be a CloudTrail trail ARN'],
    [{ trail: 'main' }, 'region', 'is required'],
    [{ trail: 'main', region: 'US_EAST_1' }, 'region', 'must be an AWS region'],
  ])('throws InvalidActionParamsError naming the param when params are %j', (params, param, problem) => {
    // Act
    const act = () => startLogging.parseParams(params);

    // Assess
    expect(act).toThrow(InvalidActionParamsError);
    expect(act).toThrow(`cloudtrail.start-logging: param "${param}" ${problem}`);
  });
});

describe('cloudtrail.start-logging target', () => {
  it('builds the trail ARN from region and account when trail is a name', () => {
    const target = startLogging.target(startLogging.parseParams({ trail: 'main', region: 'eu-west-1' }), ctx);

    expect(target.resourceArn).toBe('arn:aws:cloudtrail:eu-west-1:123456789012:trail/main');
    expect(target.principalArn).toBeUndefined();
  });
});

describe('cloudtrail.start-logging execute and undo', () => {
  it('starts logging, then reports already-applied, then undo stops it again', async () => {
    // Prepare
    const trail = await createTrail(clients, 'us-east-1');
    const params = startLogging.parseParams({ trail: trail.name, region: 'us-east-1' });
    const initially = await trailIsLogging(trail.name, 'us-east-1');

    // Act
    const first = await startLogging.execute(params, ctx);
    const afterFirst = await trailIsLogging(trail.name, 'us-east-1');
    const second = await startLogging.execute(params, ctx);
    const undone = await startLogging.undo(params, first.before, ctx);
    const afterUndo = await trailIsLogging(trail.name, 'us-east-1');
    const undoneAgain = await startLogging.undo(params, first.before, ctx);

    // Assess
    expect(initially).toBe(false);
    expect(first).toMatchObject({
      status: 'applied',
      before: { isLogging: false },
      after: { isLogging: true },
    });
    expect(afterFirst).toBe(true);
    expect(second).toMatchObject({ status: 'already-applied', before: { isLogging: true } });
    expect(undone).toMatchObject({ status: 'applied', after: { isLogging: false } });
    expect(afterUndo).toBe(false);
    expect(undoneAgain.status).toBe('already-applied');
  });

  it('calls the region in the ARN when trail is an ARN and the region param says otherwise', async () => {
    // Prepare
    const trail = await createTrail(clients, 'eu-west-1');
    const params = startLogging.parseParams({ trail: trail.arn, region: 'us-east-1' });

    // Act
    const outcome = await startLogging.execute(params, ctx);

    // Assess
    expect(outcome.status).toBe('applied');
    expect(await trailIsLogging(trail.name, 'eu-west-1')).toBe(true);
  });

  it('keeps logging on undo when the trail was logging before remediation', async () => {
    // Prepare
    const trail = await createTrail(clients, 'us-east-1');
    await clients.cloudTrail('us-east-1').send(new StartLoggingCommand({ Name: trail.name }));
    const params = startLogging.parseParams({ trail: trail.name, region: 'us-east-1' });
    const outcome = await startLogging.execute(params, ctx);

    // Act
    const undone = await startLogging.undo(params, outcome.before, ctx);

    // Assess
    expect(outcome.status).toBe('already-applied');
    expect(undone.status).toBe('already-applied');
    expect(await trailIsLogging(trail.name, 'us-east-1')).toBe(true);
  });

  it('throws PermanentActionError caused by TrailNotFoundException when the trail does not exist', async () => {
    // Prepare
    const params = startLogging.parseParams({ trail: uniqueName('tg-missing-trail'), region: 'us-east-1' });

    // Act
    const error = await startLogging.execute(params, ctx).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(PermanentActionError);
    expect((error as Error).cause).toBeInstanceOf(TrailNotFoundException);
  });

  it('throws PermanentActionError without calling CloudTrail when the ARN names another account', async () => {
    // Prepare
    const trail = await createTrail(clients, 'us-east-1');
    const foreignArn = `arn:aws:cloudtrail:us-east-1:210987654321:trail/${trail.name}`;
    const params = startLogging.parseParams({ trail: foreignArn });

    // Act
    const act = startLogging.execute(params, ctx);

    // Assess
    await expect(act).rejects.toThrow(PermanentActionError);
    await expect(act).rejects.toThrow('belongs to account 210987654321');
    expect(await trailIsLogging(trail.name, 'us-east-1')).toBe(false);
  });
});
