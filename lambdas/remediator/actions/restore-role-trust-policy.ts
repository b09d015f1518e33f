import { type CloudTrailClient, paginateLookupEvents } from '@aws-sdk/client-cloudtrail';
import { GetRoleCommand, type IAMClient, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { policyFingerprint } from '../policy-fingerprint';
import {
  callAws,
  decodePolicyDocument,
  IAM_NAME,
  REGION,
  recordedOptionalString,
  requireParam,
} from './support';
import { ActionVerificationError, PermanentActionError, type RemediationAction } from './types';

const ID = 'iam.restore-role-trust-policy';

export interface RestoreRoleTrustPolicyParams {
  readonly roleName: string;
  /** {@link policyFingerprint} of the trust policy the offending call set. */
  readonly policyFingerprint: string;
  /** The offending `UpdateAssumeRolePolicy` event: its id and time bound the history search. */
  readonly eventId: string;
  readonly eventTime: string;
  /** Where the IAM events are in the CloudTrail event history (us-east-1 in the aws partition). */
  readonly region: string;
}

/** CloudTrail's event history keeps 90 days of management events. */
const HISTORY_DAYS = 90;
/** LookupEvents returns at most 50 events a page at 2 requests per second: bound the search. */
const MAX_HISTORY_PAGES = 20;

interface EarlierTrust {
  readonly document: string;
  readonly eventId: string;
  readonly eventName: string;
  readonly eventTime: string;
}

async function readTrustPolicy(iam: IAMClient, roleName: string): Promise<string> {
  const out = await callAws(ID, `GetRole ${roleName}`, () =>
    iam.send(new GetRoleCommand({ RoleName: roleName })),
  );
  const document = out.Role?.AssumeRolePolicyDocument;
  if (document === undefined)
    throw new PermanentActionError(`${ID}: GetRole ${roleName} returned no trust policy`);
  return decodePolicyDocument(document);
}

function stringField(value: unknown, ...path: string[]): string | undefined {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return typeof current === 'string' && current.length > 0 ? current : undefined;
}

/**
 * The trust policy the role had just before the offending call, from the CloudTrail event history: the newest
 * successful `UpdateAssumeRolePolicy` or `CreateRole` of this role before it. The history is AWS's record, not an
 * attacker's input; if it holds no such event (older than 90 days, or never recorded), there is no reliable source
 * and the action refuses rather than guessing a trust policy.
 */
async function findEarlierTrustPolicy(
  cloudTrail: CloudTrailClient,
  params: RestoreRoleTrustPolicyParams,
): Promise<EarlierTrust> {
  const end = new Date(params.eventTime);
  const start = new Date(end.getTime() - HISTORY_DAYS * 86_400_000);
  return callAws(ID, `LookupEvents for role ${params.roleName}`, async () => {
    let pages = 0;
    const history = paginateLookupEvents(
      { client: cloudTrail, pageSize: 50 },
      {
        LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: params.roleName }],
        StartTime: start,
        EndTime: end,
      },
    );
    for await (const page of history) {
      for (const summary of page.Events ?? []) {
        if (summary.EventId === params.eventId || summary.CloudTrailEvent === undefined) continue;
        if (summary.EventName !== 'UpdateAssumeRolePolicy' && summary.EventName !== 'CreateRole') continue;
        let event: unknown;
        try {
          event = JSON.parse(summary.CloudTrailEvent);
        } catch {
          continue;
        }
        if (stringField(event, 'eventSource') !== 'iam.amazonaws.com' || stringField(event, 'errorCode'))
          continue;
        const role = stringField(event, 'requestParameters', 'roleName');
        if (role === undefined || role.toLowerCase() !== params.roleName.toLowerCase()) continue;
        const eventTime = stringField(event, 'eventTime') ?? summary.EventTime?.toISOString() ?? '';
        if (Date.parse(eventTime) > end.getTime()) continue;
        const document = stringField(
          event,
          'requestParameters',
          summary.EventName === 'CreateRole' ? 'assumeRolePolicyDocument' : 'policyDocument',
        );
        if (document === undefined || policyFingerprint(document) === undefined) continue;
        return { document, eventId: summary.EventId ?? '', eventName: summary.EventName, eventTime };
      }
      pages += 1;
      if (pages >= MAX_HISTORY_PAGES) break;
    }
    throw new PermanentActionError(
      `${ID}: no earlier trust policy of role ${params.roleName} in the CloudTrail event history ` +
        `(${HISTORY_DAYS} days, ${pages} page(s) searched); TrailGuard never guesses a trust policy: restore it by hand`,
    );
  });
}

/**
 * Puts back the trust policy a role had before someone changed it (`UpdateAssumeRolePolicy`), the usual backdoor
 * that lets an outside account assume the role. Acts only while the role still has exactly the document the
 * offending call set (by fingerprint), so it never overwrites a later, legitimate change. Undo puts the
 * offending document back, again only if nobody changed the role since.
 */
export const restoreRoleTrustPolicy: RemediationAction<RestoreRoleTrustPolicyParams, typeof ID> = {
  id: ID,
  reversible: true,
  disruptive: true,
  summary:
    "Restore a role's previous trust policy from the CloudTrail history (undo puts the changed one back)",

  parseParams(params) {
    const eventTime = requireParam(
      ID,
      params,
      'eventTime',
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/,
      'an ISO 8601 UTC time (the offending event)',
    );
    return {
      roleName: requireParam(
        ID,
        params,
        'roleName',
        IAM_NAME,
        'an IAM role name ([\\w+=,.@-], 1-64 characters)',
      ),
      policyFingerprint: requireParam(
        ID,
        params,
        'policyFingerprint',
        /^[0-9a-f]{64}$/,
        'the SHA-256 fingerprint of the offending trust policy (64 hex digits)',
      ),
      eventId: requireParam(ID, params, 'eventId', /^[A-Za-z0-9-]{1,128}$/, 'a CloudTrail event id'),
      eventTime,
      region: requireParam(ID, params, 'region', REGION, 'an AWS region such as us-east-1'),
    };
  },

  target(params, ctx) {
    return {
      principalArn: `arn:${ctx.partition}:iam::${ctx.accountId}:role/${params.roleName}`,
      principalType: 'role',
      principalName: params.roleName,
      description: `trust policy of IAM role ${params.roleName}`,
    };
  },

  async execute(params, ctx) {
    const iam = ctx.clients.iam;
    const current = await readTrustPolicy(iam, params.roleName);
    const earlier = await findEarlierTrustPolicy(ctx.clients.cloudTrail(params.region), params);
    const source = { eventId: earlier.eventId, eventName: earlier.eventName, eventTime: earlier.eventTime };
    if (policyFingerprint(current) === policyFingerprint(earlier.document)) {
      return {
        status: 'already-applied',
        before: { policy: current },
        after: { policy: current, source },
        message: `role ${params.roleName} already has its earlier trust policy`,
      };
    }
    if (policyFingerprint(current) !== params.policyFingerprint) {
      throw new PermanentActionError(
        `${ID}: the trust policy of role ${params.roleName} changed again after the offending call; not overwriting a later change`,
      );
    }
    await callAws(ID, `UpdateAssumeRolePolicy ${params.roleName}`, () =>
      iam.send(
        new UpdateAssumeRolePolicyCommand({ RoleName: params.roleName, PolicyDocument: earlier.document }),
      ),
    );
    if (
      policyFingerprint(await readTrustPolicy(iam, params.roleName)) !== policyFingerprint(earlier.document)
    ) {
      throw new ActionVerificationError(
        `${ID}: UpdateAssumeRolePolicy succeeded but role ${params.roleName} does not show the restored trust policy yet`,
      );
    }
    return {
      status: 'applied',
      before: { policy: current },
      after: { policy: earlier.document, source },
      message: `restored the trust policy of role ${params.roleName} as set by ${earlier.eventName} at ${earlier.eventTime} (event ${earlier.eventId})`,
    };
  },

  async undo(params, before, ctx, after = {}) {
    const previous = recordedOptionalString(ID, before, 'policy');
    const restored = recordedOptionalString(ID, after, 'policy');
    if (previous === null || restored === null) {
      throw new PermanentActionError(`${ID}: cannot undo: the audit record holds no trust policy`);
    }
    const current = await readTrustPolicy(ctx.clients.iam, params.roleName);
    if (policyFingerprint(current) === policyFingerprint(previous)) {
      return {
        status: 'already-applied',
        before: { policy: current },
        after: { policy: current },
        message: `role ${params.roleName} already has the trust policy it had before remediation`,
      };
    }
    if (policyFingerprint(current) !== policyFingerprint(restored)) {
      throw new PermanentActionError(
        `${ID}: the trust policy of role ${params.roleName} changed after remediation; not overwriting it`,
      );
    }
    await callAws(ID, `UpdateAssumeRolePolicy ${params.roleName}`, () =>
      ctx.clients.iam.send(
        new UpdateAssumeRolePolicyCommand({ RoleName: params.roleName, PolicyDocument: previous }),
      ),
    );
    return {
      status: 'applied',
      before: { policy: current },
      after: { policy: previous },
      message: `put back the trust policy role ${params.roleName} had before remediation`,
    };
  },
};
