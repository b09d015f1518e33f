import {
  type CloudTrailClient,
  GetTrailStatusCommand,
  StartLoggingCommand,
  StopLoggingCommand,
} from '@aws-sdk/client-cloudtrail';
import { callAws, recordedField, requireParam } from './support';
import {
  ActionVerificationError,
  InvalidActionParamsError,
  PermanentActionError,
  type RemediationAction,
} from './types';

const ID = 'cloudtrail.start-logging';

export interface StartLoggingParams {
  /** The `trail` param as given (name or ARN), for messages and the target ARN. */
  readonly trail: string;
  /** The trail's name: every call uses it, in the trail's home region. */
  readonly trailName: string;
  /** Region the calls go to: the ARN's region when `trail` is an ARN, else the `region` param. */
  readonly region: string;
  /** The account in the ARN, when `trail` is an ARN. */
  readonly ownerAccountId?: string;
}

/** Trail names: 3-128 letters, digits, `.`, `_`, `-`, starting and ending with a letter or digit. */
const TRAIL_NAME = /^[A-Za-z0-9][\w.-]{1,126}[A-Za-z0-9]$/;
const TRAIL_ARN =
  /^arn:aws[a-z-]*:cloudtrail:([a-z0-9-]+):(\d{12}):trail\/([A-Za-z0-9][\w.-]{1,126}[A-Za-z0-9])$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

async function isLogging(client: CloudTrailClient, trail: string): Promise<boolean> {
  const status = await callAws(ID, `GetTrailStatus ${trail}`, () =>
    client.send(new GetTrailStatusCommand({ Name: trail })),
  );
  return status.IsLogging === true;
}

/**
 * Only the account that owns a trail can start or stop it (an organization trail is managed from the management
 * account). Checked before any call because every call uses the bare name, which in this account could name
 * a different trail.
 */
function assertOwnTrail(params: StartLoggingParams, accountId: string): void {
  if (params.ownerAccountId !== undefined && params.ownerAccountId !== accountId) {
    throw new PermanentActionError(
      `${ID}: trail ${params.trail} belongs to account ${params.ownerAccountId}, not ${accountId}; start it from its owner account`,
    );
  }
}

/**
 * Turns logging back on for a trail someone stopped. Not disruptive. Its undo (StopLogging) re-opens the very
 * gap this action closes and will itself raise a `cloudtrail.logging-stopped` finding: callers should require
 * explicit confirmation before undoing it.
 */
export const startLogging: RemediationAction<StartLoggingParams, typeof ID> = {
  id: ID,
  reversible: true,
  disruptive: false,
  summary: 'Restart logging on a CloudTrail trail (undo stops it again; confirm before undoing)',

  parseParams(params) {
    const trail = requireParam(ID, params, 'trail', /^./s, 'a trail name or ARN');
    const arn = TRAIL_ARN.exec(trail);
    if (arn !== null) {
      const [, region = '', ownerAccountId = '', trailName = ''] = arn;
      // The ARN names the trail's home region, the only region where StartLogging works.
      if (!REGION.test(region)) {
        throw new InvalidActionParamsError(ID, 'trail', 'has an invalid region in its ARN');
      }
      return { trail, trailName, region, ownerAccountId };
    }
    if (trail.startsWith('arn:')) {
      throw new InvalidActionParamsError(
        ID,
        'trail',
        'must be a CloudTrail trail ARN (arn:aws:cloudtrail:<region>:<account>:trail/<name>)',
      );
    }
    if (!TRAIL_NAME.test(trail)) {
      throw new InvalidActionParamsError(
        ID,
        'trail',
        'must be a trail name (3-128 characters: letters, digits, . _ -)',
      );
    }
    return {
      trail,
      trailName: trail,
      region: requireParam(ID, params, 'region', REGION, 'an AWS region such as us-east-1'),
    };
  },

  target(params, ctx) {
    const resourceArn = params.trail.startsWith('arn:')
      ? params.trail
      : `arn:${ctx.partition}:cloudtrail:${params.region}:${ctx.accountId}:trail/${params.trail}`;
    return { resourceArn, description: `CloudTrail trail ${params.trail} in ${params.region}` };
  },

  async execute(params, ctx) {
    assertOwnTrail(params, ctx.accountId);
    const client = ctx.clients.cloudTrail(params.region);
    const logging = await isLogging(client, params.trailName);
    if (logging) {
      return {
        status: 'already-applied',
        before: { isLogging: true },
        after: { isLogging: true },
        message: `trail ${params.trail} is already logging`,
      };
    }
    await callAws(ID, `StartLogging ${params.trail}`, () =>
      client.send(new StartLoggingCommand({ Name: params.trailName })),
    );
    if (!(await isLogging(client, params.trailName))) {
      throw new ActionVerificationError(
        `${ID}: StartLogging succeeded but trail ${params.trail} still reports IsLogging false`,
      );
    }
    return {
      status: 'applied',
      before: { isLogging: false },
      after: { isLogging: true },
      message: `restarted logging on trail ${params.trail} in ${params.region}`,
    };
  },

  async undo(params, before, ctx) {
    if (recordedField(ID, before, 'isLogging', 'boolean')) {
      return {
        status: 'already-applied',
        before: {},
        after: {},
        message: `trail ${params.trail} was logging before remediation; left logging`,
      };
    }
    assertOwnTrail(params, ctx.accountId);
    const client = ctx.clients.cloudTrail(params.region);
    if (!(await isLogging(client, params.trailName))) {
      return {
        status: 'already-applied',
        before: { isLogging: false },
        after: { isLogging: false },
        message: `trail ${params.trail} is not logging`,
      };
    }
    await callAws(ID, `StopLogging ${params.trail}`, () =>
      client.send(new StopLoggingCommand({ Name: params.trailName })),
    );
    return {
      status: 'applied',
      before: { isLogging: true },
      after: { isLogging: false },
      message: `stopped logging on trail ${params.trail} in ${params.region} (undo of a remediation)`,
    };
  },
};
