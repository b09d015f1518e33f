import { describe, expect, it } from 'vitest';
import { rule } from '../../../lambdas/rules/iam/access-key-created-for-another-user';
import { counts, loadFixture } from '../support';

const ID = 'iam.access-key-created-for-another-user';

describe('iam.access-key-created-for-another-user', () => {
  it('deactivates the new key first, then the IAM user actor’s own long-term key', () => {
    // Act
    const plan = rule.remediation?.(loadFixture(ID, 'positive', 'iam-user-creates-key-for-another-user'));

    // Assess
    expect(plan?.map((s) => [s.action, s.params])).toEqual([
      ['iam.disable-access-key', { userName: 'svc-reporting', accessKeyId: 'AKIAQ3EGUXBZNEWKEY42' }],
      ['iam.disable-access-key', { userName: 'alice', accessKeyId: 'AKIAQ3EGUXBZ4TVMWK7N' }],
    ]);
  });

  it('deactivates the new key and revokes the acting role’s sessions when a role session created it', () => {
    const plan = rule.remediation?.(loadFixture(ID, 'positive', 'deploy-role-creates-key'));
    expect(plan?.map((s) => [s.action, s.params])).toEqual([
      ['iam.disable-access-key', { userName: 'svc-legacy-ftp', accessKeyId: 'AKIAQ3EGUXBZNEWKEY43' }],
      ['iam.revoke-role-sessions', { roleName: 'github-actions-deploy' }],
    ]);
  });

  it('does not deactivate a temporary ASIA key the IAM user signed with', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'iam-user-creates-key-for-another-user');
    if (event.userIdentity) event.userIdentity.accessKeyId = 'ASIAQ3EGUXBZCONSOLE9';

    // Assess
    expect(rule.remediation?.(event).map((s) => s.params.userName)).toEqual(['svc-reporting']);
  });

  it('skips the new key when the response does not carry a valid key id', () => {
    const event = loadFixture(ID, 'positive', 'iam-user-creates-key-for-another-user');
    event.responseElements = { accessKey: { accessKeyId: 'AKIA; DROP TABLE' } };
    expect(rule.remediation?.(event).map((s) => s.params.userName)).toEqual(['alice']);
  });

  it('counts root creating a key for a user but plans nothing', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'iam-user-creates-key-for-another-user');
    event.userIdentity = { type: 'Root', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333' };

    // Assess
    expect(counts(rule, event)).toBe(true);
    expect(rule.remediation?.(event)).toEqual([]);
  });

  it('counts a key created through CloudFormation for another user', () => {
    const event = loadFixture(ID, 'positive', 'iam-user-creates-key-for-another-user');
    if (event.userIdentity) event.userIdentity.invokedBy = 'cloudformation.amazonaws.com';
    expect(counts(rule, event)).toBe(true);
  });

  it('does not count an IAM user naming itself with different letter case', () => {
    expect(counts(rule, loadFixture(ID, 'negative', 'iam-user-names-self-in-other-case'))).toBe(false);
  });

  it('summarizes the key and the target user', () => {
    expect(rule.summarize(loadFixture(ID, 'positive', 'deploy-role-creates-key'))).toBe(
      'Role github-actions-deploy (session GitHubActions-run-13822190457) created access key "AKIAQ3EGUXBZNEWKEY43" ' +
        'for IAM user "svc-legacy-ftp" from 20.57.34.112.',
    );
  });
});
