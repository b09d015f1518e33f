import { describe, expect, it } from 'vitest';
import { rule } from '../../../lambdas/rules/iam/login-profile-for-another-user';
import { counts, loadFixture } from '../support';

const ID = 'iam.login-profile-for-another-user';

describe('iam.login-profile-for-another-user', () => {
  it('counts a role session named after the target user (session names are caller-chosen)', () => {
    expect(counts(rule, loadFixture(ID, 'positive', 'role-session-named-after-target'))).toBe(true);
  });

  it('does not count CreateLoginProfile without a user name (the caller’s own profile)', () => {
    const event = loadFixture(ID, 'positive', 'iam-user-creates-password-for-another-user');
    event.requestParameters = { passwordResetRequired: true };
    expect(counts(rule, event)).toBe(false);
  });

  it('quarantines the acting role, revokes its sessions and plans deleting the password it set', () => {
    const plan = rule.remediation?.(loadFixture(ID, 'positive', 'role-session-named-after-target'));
    expect(plan?.map((s) => [s.action, s.params])).toEqual([
      [
        'iam.quarantine-principal',
        {
          principalType: 'role',
          principalName: 'HelpdeskOperators',
          principalArn: 'arn:aws:iam::111122223333:role/HelpdeskOperators',
        },
      ],
      ['iam.revoke-role-sessions', { roleName: 'HelpdeskOperators' }],
      ['iam.delete-login-profile', { userName: 'bob' }],
    ]);
  });

  it('says when a reset is required at next sign-in', () => {
    expect(rule.summarize(loadFixture(ID, 'positive', 'role-session-named-after-target'))).toBe(
      'Role HelpdeskOperators (session bob) changed the console password for IAM user "bob" ' +
        '(reset required at next sign-in) from 198.51.100.23.',
    );
  });
});
