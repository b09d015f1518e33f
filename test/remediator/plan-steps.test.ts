import { describe, expect, it } from 'vitest';
import type { CloudTrailRecord, RemediationStep } from '../../lambdas/engine/types';
import { ACTIONS } from '../../lambdas/remediator/actions';
import { policyFingerprint } from '../../lambdas/remediator/policy-fingerprint';
import {
  deleteLoginProfileStep,
  detachAdminPolicySteps,
  putPublicAccessBlockSteps,
  restoreTrustPolicySteps,
  revokeActorSessions,
  unshareDbSnapshotSteps,
  unshareImageSteps,
  unshareSnapshotSteps,
} from '../../lambdas/rules/helpers';

/** What a rule plans must be what the action accepts: the params go through the action's own validation. */
function expectAccepted(steps: RemediationStep[]): void {
  for (const step of steps)
    expect(() => ACTIONS[step.action].parseParams(step.params), step.action).not.toThrow();
}

const TRUST = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999999999999:root' }, Action: 'sts:AssumeRole' },
  ],
};

function event(
  eventName: string,
  requestParameters: Record<string, unknown>,
  extra: Partial<CloudTrailRecord> = {},
) {
  return {
    eventTime: '2026-11-22T10:00:00Z',
    eventSource: 'iam.amazonaws.com',
    eventName,
    eventID: '3b1c9f7e-0a52-4c3e-9d0b-7f2a1e6c5d4b',
    awsRegion: 'us-east-1',
    recipientAccountId: '111122223333',
    userIdentity: {
      type: 'AssumedRole',
      arn: 'arn:aws:sts::111122223333:assumed-role/Deploy/ci',
      sessionContext: {
        sessionIssuer: { type: 'Role', userName: 'Deploy', arn: 'arn:aws:iam::111122223333:role/Deploy' },
      },
    },
    requestParameters,
    ...extra,
  } as CloudTrailRecord;
}

describe('remediation step builders', () => {
  it('plans a trust-policy restore with the fingerprint of the document the call set, raw or URL-encoded', () => {
    // Prepare
    const raw = event('UpdateAssumeRolePolicy', {
      roleName: 'Deploy',
      policyDocument: JSON.stringify(TRUST, null, 2),
    });
    const encoded = event('UpdateAssumeRolePolicy', {
      roleName: 'Deploy',
      policyDocument: encodeURIComponent(JSON.stringify(TRUST)),
    });
    // Act
    const [fromRaw] = restoreTrustPolicySteps(raw);
    const [fromEncoded] = restoreTrustPolicySteps(encoded);
    // Assess
    expect(fromRaw?.params).toEqual({
      roleName: 'Deploy',
      policyFingerprint: policyFingerprint(JSON.stringify(TRUST)),
      eventId: '3b1c9f7e-0a52-4c3e-9d0b-7f2a1e6c5d4b',
      eventTime: '2026-11-22T10:00:00Z',
      region: 'us-east-1',
    });
    expect(fromEncoded?.params.policyFingerprint).toBe(fromRaw?.params.policyFingerprint);
    expectAccepted([fromRaw as RemediationStep]);
  });

  it('plans nothing it could not act on: unreadable documents, other events, foreign policies', () => {
    expect(
      restoreTrustPolicySteps(
        event('UpdateAssumeRolePolicy', { roleName: 'Deploy', policyDocument: 'nope' }),
      ),
    ).toEqual([]);
    expect(
      restoreTrustPolicySteps(event('CreateRole', { roleName: 'Deploy', policyDocument: '{}' })),
    ).toEqual([]);
    expect(
      detachAdminPolicySteps(
        event('AttachUserPolicy', { userName: 'x', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }),
      ),
    ).toEqual([]);
    expect(putPublicAccessBlockSteps(event('DeleteAccountPublicAccessBlock', {}))).toEqual([]);
    expect(unshareSnapshotSteps('snap-0123456789abcdef0', 'eu-west-1', [])).toEqual([]);
    expect(unshareImageSteps('ami-nope', 'eu-west-1', ['all'])).toEqual([]);
  });

  it('plans steps whose params every action accepts', () => {
    expectAccepted([
      ...detachAdminPolicySteps(
        event('AttachGroupPolicy', {
          groupName: 'ops',
          policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
        }),
      ),
      ...revokeActorSessions(event('AttachUserPolicy', {}), 'why'),
      deleteLoginProfileStep('bob', 'why'),
      ...putPublicAccessBlockSteps(
        event(
          'DeleteBucketPublicAccessBlock',
          { bucketName: 'customer-exports' },
          { eventSource: 's3.amazonaws.com' },
        ),
      ),
      ...unshareSnapshotSteps('snap-0123456789abcdef0', 'eu-west-1', ['all', '999988887777']),
      ...unshareImageSteps('ami-0123456789abcdef0', 'eu-west-1', ['999988887777']),
      ...unshareDbSnapshotSteps('nightly-2026-11-22', 'cluster', 'eu-west-1', ['all']),
    ]);
    expect(revokeActorSessions(event('AttachUserPolicy', {}), 'why').map((s) => s.params)).toEqual([
      { roleName: 'Deploy' },
    ]);
  });
});
