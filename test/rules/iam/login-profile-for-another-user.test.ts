import { describe, expect, it } from 'vitest';
import { rule, sessionNamedAfterTarget } from '../../../lambdas/rules/iam/login-profile-for-another-user';
import { counts, loadFixture } from '../support';

const ID = 'iam.login-profile-for-another-user';

describe('iam.login-profile-for-another-user', () => {
  it('does not count a role session when its name equals the target user (the namesake rule reports it)', () => {
    // Prepare
    const event = loadFixture(ID, 'negative', 'role-session-named-after-target');

    // Act
    const verdict = counts(rule, event);

    // Assess
    expect(sessionNamedAfterTarget(event)).toBe(true);
    expect(verdict).toBe(false);
  });

  it('does not count a role session when its name equals the target user in another case', () => {
    // Prepare
    const event = loadFixture(ID, 'negative', 'role-session-named-after-target');
    event.requestParameters = { userName: 'BOB', passwordResetRequired: true };

    // Act
    const verdict = counts(rule, event);

    // Assess
    expect(verdict).toBe(false);
  });

  it('counts a role session when its name differs from the target user', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'role-session-named-differently');

    // Act
    const verdict = counts(rule, event);

    // Assess
    expect(sessionNamedAfterTarget(event)).toBe(false);
    expect(verdict).toBe(true);
  });

  it('counts a session named after the target when the actor is not an assumed role', () => {
    // Prepare: only AssumedRole session names are compared; a federated user named like the target still counts.
    const federated = loadFixture(ID, 'negative', 'role-session-named-after-target');
    federated.userIdentity = {
      type: 'FederatedUser',
      principalId: '111122223333:bob',
      arn: 'arn:aws:sts::111122223333:federated-user/bob',
      accountId: '111122223333',
    };
    const roleWithoutSessionInArn = loadFixture(ID, 'negative', 'role-session-named-after-target');
    if (roleWithoutSessionInArn.userIdentity !== undefined)
      roleWithoutSessionInArn.userIdentity.arn = 'arn:aws:iam::111122223333:role/bob';

    // Act
    const verdicts = [counts(rule, federated), counts(rule, roleWithoutSessionInArn)];

    // Assess
    expect(verdicts).toEqual([true, true]);
  });

  it('does not count CreateLoginProfile when the request names no user (the caller’s own profile)', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'iam-user-creates-password-for-another-user');
    event.requestParameters = { passwordResetRequired: true };

    // Act
    const verdict = counts(rule, event);

    // Assess
    expect(verdict).toBe(false);
  });

  it('quarantines the acting role, revokes its sessions and plans deleting the password when a role sets it', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'role-session-named-differently');

    // Act
    const plan = rule.remediation?.(event);

    // Assess
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
    // Prepare
    const event = loadFixture(ID, 'positive', 'role-session-named-differently');

    // Act
    const summary = rule.summarize(event);

    // Assess
    expect(summary).toBe(
      'Role HelpdeskOperators (session jmiller) changed the console password for IAM user "bob" ' +
        '(reset required at next sign-in) from 198.51.100.23.',
    );
  });

  it('keeps both Stratus techniques and records no disagreement with Panther when it leaves namesake sessions out', () => {
    // Assess
    expect(rule.stratus).toEqual([
      'aws.persistence.iam-create-user-login-profile',
      'aws.privilege-escalation.iam-update-user-login-profile',
    ]);
    expect(rule.references?.disagreements ?? []).toEqual([]);
  });
});
