import { describe, expect, it } from 'vitest';
import { rule as mfaFailures } from '../../../lambdas/rules/signin/console-mfa-failures';
import { isIdentityCenterSession, rule as signinToken } from '../../../lambdas/rules/signin/get-signin-token';
import { counts, loadFixture } from '../support';

describe('signin.get-signin-token', () => {
  const ID = 'signin.get-signin-token';

  it('recognises Identity Center sessions by role name or reserved path, never by user agent', () => {
    // Prepare
    const portal = loadFixture(ID, 'negative', 'identity-center-portal-session');
    const byPathOnly = loadFixture(ID, 'negative', 'identity-center-portal-session');
    if (byPathOnly.userIdentity)
      byPathOnly.userIdentity.arn = 'arn:aws:sts::111122223333:assumed-role/Renamed/jane';
    const disguised = loadFixture(ID, 'positive', 'role-session-python-requests');
    // The portal's literal user agent, `Jersey/${project.version}`, claimed by an ordinary role session.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal text the portal sends, not a template.
    disguised.userAgent = 'Jersey/${project.version}';

    // Assess
    expect(isIdentityCenterSession(portal)).toBe(true);
    expect(isIdentityCenterSession(byPathOnly)).toBe(true);
    expect(counts(signinToken, disguised)).toBe(true);
  });

  it('revokes the role’s sessions for a role, and quarantines the minting user for a federated user', () => {
    expect(
      signinToken
        .remediation?.(loadFixture(ID, 'positive', 'role-session-python-requests'))
        .map((s) => [s.action, s.params]),
    ).toEqual([['iam.revoke-role-sessions', { roleName: 'DataPipelineRole' }]]);
    expect(
      signinToken
        .remediation?.(loadFixture(ID, 'positive', 'federated-user-from-federation-token'))
        .map((s) => [s.action, s.params.principalName]),
    ).toEqual([['iam.quarantine-principal', 'svc-backup']]);
  });
});

describe('signin.console-mfa-failures', () => {
  const ID = 'signin.console-mfa-failures';

  it('groups by account and lower-cased user name, root included', () => {
    // Prepare
    const upper = loadFixture(ID, 'positive', 'iam-user-mfa-code-rejected');
    if (upper.userIdentity) upper.userIdentity.userName = 'Alice';

    // Assess
    expect(mfaFailures.threshold?.groupBy(upper)).toBe('111122223333:alice');
    expect(mfaFailures.threshold?.groupBy(loadFixture(ID, 'positive', 'root-mfa-rejected'))).toBe(
      '111122223333:root',
    );
  });

  it('defaults to 2 failures in 15 minutes', () => {
    expect(mfaFailures.threshold).toMatchObject({ count: 2, windowSeconds: 900 });
  });
});
