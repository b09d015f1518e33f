import { GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { CreatePolicyCommand, GetUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ActionVerificationError,
  classifyAwsError,
  InvalidActionParamsError,
  PermanentActionError,
  UnknownActionError,
} from '../../../lambdas/remediator/actions/types';
import { motoClientConfig } from '../../support/aws';
import { motoActionClients, uniqueName } from './support';

let clients: ReturnType<typeof motoActionClients>;

beforeAll(() => {
  clients = motoActionClients();
});

afterAll(() => clients.destroy());

/** What an SDK v3 service error looks like when the emulator cannot produce it on demand (throttling, 5xx). */
function sdkError(
  name: string,
  extra: { status?: number; fault?: 'client' | 'server'; retryable?: { throttling?: boolean } } = {},
): Error {
  return Object.assign(new Error(`${name} (synthetic)`), {
    name,
    $fault: extra.fault ?? 'client',
    $metadata: { httpStatusCode: extra.status ?? 400 },
    ...(extra.retryable === undefined ? {} : { $retryable: extra.retryable }),
  });
}

describe('classifyAwsError with errors produced by moto', () => {
  it('returns permanent when IAM answers NoSuchEntity', async () => {
    // Prepare
    const error = await clients.iam
      .send(new GetUserCommand({ UserName: uniqueName('tg-nobody') }))
      .catch((e: unknown) => e);

    // Act
    const kind = classifyAwsError(error);

    // Assess
    expect((error as Error).name).toBe('NoSuchEntityException');
    expect(kind).toBe('permanent');
  });

  it('returns permanent when IAM answers MalformedPolicyDocument', async () => {
    // Prepare
    const error = await clients.iam
      .send(
        new CreatePolicyCommand({ PolicyName: uniqueName('tg-bad'), PolicyDocument: '{"not":"a policy"}' }),
      )
      .catch((e: unknown) => e);

    // Act
    const kind = classifyAwsError(error);

    // Assess
    expect((error as Error).name).toBe('MalformedPolicyDocumentException');
    expect(kind).toBe('permanent');
  });

  it('returns permanent when CloudTrail answers TrailNotFoundException', async () => {
    // Prepare
    const error = await clients
      .cloudTrail('us-east-1')
      .send(new GetTrailStatusCommand({ Name: uniqueName('tg-no-trail') }))
      .catch((e: unknown) => e);

    // Act
    const kind = classifyAwsError(error);

    // Assess
    expect((error as Error).name).toBe('TrailNotFoundException');
    expect(kind).toBe('permanent');
  });

  it('returns transient when the endpoint refuses the connection', async () => {
    // Prepare
    const unreachable = new IAMClient({
      ...motoClientConfig(),
      endpoint: 'http://127.0.0.1:1',
      maxAttempts: 1,
    });
    const error = await unreachable.send(new GetUserCommand({ UserName: 'alice' })).catch((e: unknown) => e);
    unreachable.destroy();

    // Act
    const kind = classifyAwsError(error);

    // Assess
    expect(error).toBeInstanceOf(Error);
    expect(kind).toBe('transient');
  });
});

describe('classifyAwsError with synthetic errors', () => {
  it.each([
    ['Throttling', sdkError('Throttling', { retryable: { throttling: true } })],
    ['ThrottlingException', sdkError('ThrottlingException')],
    ['TooManyRequestsException', sdkError('TooManyRequestsException', { status: 429 })],
    ['ServiceUnavailable', sdkError('ServiceUnavailable', { status: 503, fault: 'server' })],
    ['ServiceFailureException', sdkError('ServiceFailureException', { status: 500, fault: 'server' })],
    ['ConcurrentModificationException', sdkError('ConcurrentModificationException', { status: 409 })],
    ['a network error', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['a timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
    ['a verification failure', new ActionVerificationError('still not logging')],
    ['a non-error value', 'boom'],
  ])('returns transient for %s', (_label, error) => {
    expect(classifyAwsError(error)).toBe('transient');
  });

  it.each([
    ['LimitExceededException (IAM quota)', sdkError('LimitExceededException', { status: 409 })],
    ['AccessDenied', sdkError('AccessDenied', { status: 403 })],
    ['AccessDeniedException', sdkError('AccessDeniedException', { status: 403 })],
    ['ValidationError (unmodeled IAM code)', sdkError('ValidationError')],
    ['InvalidParameterValue', sdkError('InvalidParameterValue')],
    ['InvalidTrailNameException', sdkError('InvalidTrailNameException')],
    ['InvalidHomeRegionException', sdkError('InvalidHomeRegionException')],
    ['UnmodifiableEntityException (service-linked role)', sdkError('UnmodifiableEntityException')],
    [
      'an error whose code is only in Code',
      Object.assign(new Error('x'), { name: 'Error', Code: 'NoSuchEntity' }),
    ],
    ['PermanentActionError', new PermanentActionError('gone')],
    [
      'InvalidActionParamsError',
      new InvalidActionParamsError('iam.disable-access-key', 'userName', 'is required'),
    ],
    ['UnknownActionError', new UnknownActionError('nope')],
  ])('returns permanent for %s', (_label, error) => {
    expect(classifyAwsError(error)).toBe('permanent');
  });

  it('returns transient when a permanent-looking code comes with a 5xx status', () => {
    expect(classifyAwsError(sdkError('InvalidParameterValue', { status: 500, fault: 'server' }))).toBe(
      'transient',
    );
  });
});
