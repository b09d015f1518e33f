import { describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../../lambdas/engine/types';
import { policyFingerprint } from '../../../lambdas/remediator/policy-fingerprint';
import { outsideTrust, rule } from '../../../lambdas/rules/iam/role-trust-opened';
import { counts, loadFixture } from '../support';

const ID = 'iam.role-trust-opened';

/** The positive UpdateAssumeRolePolicy fixture with another trust policy. */
function withTrust(policy: unknown): CloudTrailRecord {
  const event = loadFixture(ID, 'positive', 'update-trust-external-account');
  event.requestParameters = { roleName: 'app-backend', policyDocument: JSON.stringify(policy) };
  return event;
}

const allow = (extra: Record<string, unknown>) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', ...extra }],
});

describe('iam.role-trust-opened', () => {
  it('names every outsider: anyone first, then other accounts by ARN, session ARN or bare id', () => {
    // Prepare
    const event = withTrust({
      Statement: [
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { AWS: ['444455556666', 'arn:aws:sts::777788889999:assumed-role/x/y'] },
        },
        { Effect: 'Allow', Action: ['sts:*'], Principal: { AWS: '*' } },
      ],
    });

    // Act / Assess
    expect(outsideTrust(event)).toEqual(['anyone', 'account 444455556666', 'account 777788889999']);
  });

  it('treats sts:ExternalId as no restriction but an organization condition as one', () => {
    expect(
      outsideTrust(
        withTrust(allow({ Principal: '*', Condition: { StringEquals: { 'sts:ExternalId': 'x' } } })),
      ),
    ).toEqual(['anyone']);
    expect(
      outsideTrust(
        withTrust(
          allow({ Principal: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } }),
        ),
      ),
    ).toEqual([]);
  });

  it('counts wildcard and NotAction grants of AssumeRole, but not Deny statements or other actions', () => {
    const external = { AWS: 'arn:aws:iam::999988887777:root' };
    expect(
      outsideTrust(
        withTrust({ Statement: [{ Effect: 'Allow', Action: 'sts:Assume*', Principal: external }] }),
      ),
    ).toHaveLength(1);
    expect(
      outsideTrust(withTrust({ Statement: [{ Effect: 'Allow', NotAction: 'iam:*', Principal: external }] })),
    ).toHaveLength(1);
    expect(
      outsideTrust(
        withTrust({ Statement: [{ Effect: 'Deny', Action: 'sts:AssumeRole', Principal: external }] }),
      ),
    ).toEqual([]);
    expect(
      outsideTrust(
        withTrust({ Statement: [{ Effect: 'Allow', Action: 'sts:TagSession', Principal: external }] }),
      ),
    ).toEqual([]);
  });

  it('reports a GitHub Actions trust unless its sub condition names a repository', () => {
    // Prepare
    const github = (condition: Record<string, unknown>) =>
      withTrust({
        Statement: [
          {
            Effect: 'Allow',
            Action: 'sts:AssumeRoleWithWebIdentity',
            Principal: {
              Federated: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com',
            },
            Condition: condition,
          },
        ],
      });
    const sub = 'token.actions.githubusercontent.com:sub';

    // Assess
    expect(outsideTrust(github({}))).toEqual(['any GitHub Actions workflow']);
    expect(outsideTrust(github({ StringLike: { [sub]: 'repo:*' } }))).toEqual([
      'any GitHub Actions workflow',
    ]);
    expect(outsideTrust(github({ StringLikeIfExists: { [sub]: 'repo:org/app:*' } }))).toEqual([
      'any GitHub Actions workflow',
    ]);
    expect(outsideTrust(github({ StringLike: { [sub]: ['repo:org/app:*', 'repo:org/lib:*'] } }))).toEqual([]);
  });

  it('does not count accounts when the event does not say which account it happened in', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'update-trust-external-account');
    delete event.recipientAccountId;
    if (event.userIdentity) delete event.userIdentity.accountId;

    // Assess
    expect(outsideTrust(event)).toEqual([]);
    expect(counts(rule, event)).toBe(false);
  });

  it('plans to restore the earlier trust policy, fingerprinted as the remediator reads it, then revoke sessions', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'update-trust-external-account');

    // Act
    const plan = rule.remediation?.(event);

    // Assess
    expect(plan?.map((s) => [s.action, s.params])).toEqual([
      [
        'iam.restore-role-trust-policy',
        {
          roleName: 'app-backend',
          policyFingerprint: policyFingerprint(event.requestParameters?.policyDocument),
          eventId: event.eventID,
          eventTime: '2025-03-11T08:14:52Z',
          region: 'us-east-1',
        },
      ],
      ['iam.revoke-role-sessions', { roleName: 'app-backend' }],
    ]);
  });

  it('looks for the earlier trust policy in the partition’s IAM region', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'update-trust-external-account');
    if (event.userIdentity) event.userIdentity.arn = 'arn:aws-us-gov:iam::111122223333:user/alice';

    // Assess
    expect(rule.remediation?.(event)[0]?.params.region).toBe('us-gov-west-1');
  });

  it('quarantines a role created with an open trust policy, on the path it was created with', () => {
    const plan = rule.remediation?.(
      loadFixture(ID, 'positive', 'create-role-trusting-anyone-with-external-id'),
    );
    expect(plan?.map((s) => [s.action, s.params])).toEqual([
      [
        'iam.quarantine-principal',
        {
          principalType: 'role',
          principalName: 'partner-access',
          principalArn: 'arn:aws:iam::111122223333:role/integrations/partner-access',
        },
      ],
    ]);
  });

  it('plans nothing when the event id or time could not be a real one', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'update-trust-external-account');
    event.eventTime = '2025-03-11 08:14:52';

    // Assess
    expect(rule.remediation?.(event)).toEqual([]);
  });

  it('summarizes who can now assume the role', () => {
    expect(rule.summarize(loadFixture(ID, 'positive', 'update-trust-any-github-workflow'))).toBe(
      'IAM user alice changed the trust policy of IAM role "gha-deploy" so that any GitHub Actions workflow can assume it from 185.220.101.34.',
    );
  });
});
