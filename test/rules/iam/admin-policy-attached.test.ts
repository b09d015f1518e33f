import { describe, expect, it } from 'vitest';
import { isAdminGrant, rule } from '../../../lambdas/rules/iam/admin-policy-attached';
import { counts, loadFixture } from '../support';

const ID = 'iam.admin-policy-attached';

describe('iam.admin-policy-attached', () => {
  it('recognises AdministratorAccess in every partition but not a customer policy of the same name', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'attach-user-administrator-access');
    const withArn = (policyArn: string) => ({ ...event, requestParameters: { userName: 'x', policyArn } });

    // Assess
    expect(isAdminGrant(withArn('arn:aws:iam::aws:policy/AdministratorAccess'))).toBe(true);
    expect(isAdminGrant(withArn('arn:aws-cn:iam::aws:policy/AdministratorAccess'))).toBe(true);
    expect(isAdminGrant(withArn('arn:aws-us-gov:iam::aws:policy/AdministratorAccess'))).toBe(true);
    expect(isAdminGrant(withArn('arn:aws:iam::111122223333:policy/AdministratorAccess'))).toBe(false);
    expect(isAdminGrant(withArn('arn:aws:iam::aws:policy/AdministratorAccess-Amplify'))).toBe(false);
    expect(isAdminGrant(withArn('arn:aws:iam::aws:policy/job-function/AdministratorAccess'))).toBe(false);
  });

  it('reads a URL-encoded inline policy with NotAction', () => {
    expect(counts(rule, loadFixture(ID, 'positive', 'put-user-inline-not-action-url-encoded'))).toBe(true);
  });

  it('does not count an inline deny-all (an incident lock-out)', () => {
    expect(counts(rule, loadFixture(ID, 'negative', 'put-user-inline-deny-everything'))).toBe(false);
  });

  it('quarantines an IAM user actor, detaches the grant, then deactivates the actor’s long-term key', () => {
    const plan = rule.remediation?.(loadFixture(ID, 'positive', 'attach-user-administrator-access'));
    expect(plan?.map((s) => [s.action, s.params])).toEqual([
      [
        'iam.quarantine-principal',
        {
          principalType: 'user',
          principalName: 'build-bot',
          principalArn: 'arn:aws:iam::111122223333:user/build-bot',
        },
      ],
      [
        'iam.detach-admin-policy',
        {
          principalType: 'user',
          principalName: 'backup-operator',
          policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
        },
      ],
      ['iam.disable-access-key', { userName: 'build-bot', accessKeyId: 'AKIAQ3EGUXBZ4TVMWK7N' }],
    ]);
  });

  it('quarantines the role behind an assumed-role session, detaches the grant and revokes the role’s sessions', () => {
    const plan = rule.remediation?.(loadFixture(ID, 'positive', 'attach-role-administrator-access-govcloud'));
    expect(plan?.map((s) => [s.action, s.params])).toEqual([
      [
        'iam.quarantine-principal',
        {
          principalType: 'role',
          principalName: 'PlatformOperators',
          principalArn: 'arn:aws-us-gov:iam::444455556666:role/PlatformOperators',
        },
      ],
      [
        'iam.detach-admin-policy',
        {
          principalType: 'role',
          principalName: 'maintenance-helper',
          policyArn: 'arn:aws-us-gov:iam::aws:policy/AdministratorAccess',
        },
      ],
      ['iam.revoke-role-sessions', { roleName: 'PlatformOperators' }],
    ]);
  });

  it('detaches the grant but does not revert an inline admin policy', () => {
    // Prepare
    const inline = loadFixture(ID, 'positive', 'put-role-inline-allow-everything');
    // Act
    const plan = rule.remediation?.(inline) ?? [];
    // Assess
    expect(plan.map((s) => s.action)).not.toContain('iam.detach-admin-policy');
  });

  it('plans nothing for root, and only the revert of the grant for an unknown identity type', () => {
    // Prepare
    const rootEvent = loadFixture(ID, 'positive', 'attach-user-administrator-access');
    rootEvent.userIdentity = {
      type: 'Root',
      arn: 'arn:aws:iam::111122223333:root',
      accountId: '111122223333',
    };
    const webIdentity = loadFixture(ID, 'positive', 'attach-user-administrator-access');
    webIdentity.userIdentity = { type: 'WebIdentityUser', principalId: 'accounts.google.com:1234' };

    // Assess
    expect(counts(rule, rootEvent)).toBe(true);
    expect(rule.remediation?.(rootEvent)).toEqual([]);
    expect(rule.remediation?.(webIdentity).map((s) => s.action)).toEqual(['iam.detach-admin-policy']);
  });

  it('summarizes inline grants with the policy name', () => {
    expect(rule.summarize(loadFixture(ID, 'positive', 'put-role-inline-allow-everything'))).toBe(
      'IAM user build-bot put an admin inline policy "logs-access" on IAM role "lambda-log-reader" from 185.220.101.34.',
    );
  });
});
