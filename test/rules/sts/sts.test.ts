import { describe, expect, it } from 'vitest';
import { rule as federation } from '../../../lambdas/rules/sts/federation-token-created';
import { rule as sessionToken } from '../../../lambdas/rules/sts/session-token-without-mfa';
import { loadFixture } from '../support';

describe('sts.session-token-without-mfa', () => {
  it('shows the requested lifetime only when it is a number', () => {
    // Prepare
    const event = loadFixture('sts.session-token-without-mfa', 'positive', 'no-mfa-36-hours');
    const odd = { ...event, requestParameters: { durationSeconds: '1e9; DROP' } };

    // Assess
    expect(sessionToken.summarize(event)).toBe(
      'IAM user svc-backup obtained a session token without MFA valid for 129600 s from 185.220.101.34.',
    );
    expect(sessionToken.summarize(odd)).toBe(
      'IAM user svc-backup obtained a session token without MFA from 185.220.101.34.',
    );
  });
});

describe('sts.federation-token-created', () => {
  const ID = 'sts.federation-token-created';

  it('points out an allow-everything session policy', () => {
    expect(federation.summarize(loadFixture(ID, 'positive', 'allow-everything-session-policy'))).toBe(
      'IAM user svc-backup minted federation token "persist" with an allow-everything session policy from 45.148.10.22.',
    );
  });

  it('quarantines the minting user, whose policies bound the federated session, then deactivates its key', () => {
    expect(
      federation
        .remediation?.(loadFixture(ID, 'positive', 'allow-everything-session-policy'))
        .map((s) => [s.action, s.params]),
    ).toEqual([
      [
        'iam.quarantine-principal',
        {
          principalType: 'user',
          principalName: 'svc-backup',
          principalArn: 'arn:aws:iam::111122223333:user/svc-backup',
        },
      ],
      ['iam.disable-access-key', { userName: 'svc-backup', accessKeyId: 'AKIAQ3EGUXBZ4TVMWK7N' }],
    ]);
  });
});
