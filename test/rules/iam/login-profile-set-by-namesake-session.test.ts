import { describe, expect, it } from 'vitest';
import { rule as forAnotherUser } from '../../../lambdas/rules/iam/login-profile-for-another-user';
import { rule } from '../../../lambdas/rules/iam/login-profile-set-by-namesake-session';
import { allFixtures, counts, loadFixture } from '../support';

const ID = 'iam.login-profile-set-by-namesake-session';

describe('iam.login-profile-set-by-namesake-session', () => {
  it('counts a role session when its name equals the target user case-insensitively', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'sso-session-creates-password-for-own-user');
    const upper = loadFixture(ID, 'positive', 'role-session-named-after-target');
    upper.requestParameters = { userName: 'Bob' };

    // Act
    const verdicts = [counts(rule, event), counts(rule, upper)];

    // Assess
    expect(verdicts).toEqual([true, true]);
  });

  it('does not count an IAM user when it sets its own password, nor a namesake session when the call failed', () => {
    // Prepare
    const own = loadFixture(ID, 'negative', 'iam-user-updates-own-password-profile');
    const denied = loadFixture(ID, 'negative', 'namesake-session-denied');

    // Act
    const verdicts = [counts(rule, own), counts(rule, denied)];

    // Assess
    expect(verdicts).toEqual([false, false]);
  });

  it('does not count a role session when the ARN is not an assumed-role session ARN', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'role-session-named-after-target');
    if (event.userIdentity !== undefined)
      event.userIdentity.arn = 'arn:aws:sts::111122223333:assumed-role/HelpdeskOperators/bob/extra';

    // Act
    const verdict = counts(rule, event);

    // Assess: then the high rule reports it.
    expect(verdict).toBe(false);
    expect(counts(forAnotherUser, event)).toBe(true);
  });

  it('raises on exactly the login-profile fixtures that the high rule leaves out', () => {
    // Prepare: every fixture of both rules.
    const events = allFixtures().filter((f) => f.ruleId === ID || f.ruleId === forAnotherUser.id);

    // Act
    const verdicts = events.map((f) => ({
      name: `${f.ruleId}/${f.kind}/${f.name}`,
      high: counts(forAnotherUser, f.event),
      medium: counts(rule, f.event),
    }));

    // Assess
    for (const v of verdicts) expect(v.high && v.medium, v.name).toBe(false);
    expect(verdicts.filter((v) => v.medium).map((v) => v.name)).toEqual([
      'iam.login-profile-for-another-user/negative/role-session-named-after-target',
      'iam.login-profile-set-by-namesake-session/positive/role-session-named-after-target',
      'iam.login-profile-set-by-namesake-session/positive/sso-session-creates-password-for-own-user',
    ]);
  });

  it('summarizes the session and the user when a namesake session sets the password', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'role-session-named-after-target');

    // Act
    const summary = rule.summarize(event);

    // Assess
    expect(summary).toBe(
      'Role HelpdeskOperators (session bob) changed the console password for IAM user "bob" ' +
        '(reset required at next sign-in) from 198.51.100.23; the session is named after that user.',
    );
  });

  it('plans nothing, alerts by default and does not claim the Panther rule when it raises', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'role-session-named-after-target');

    // Act
    const plan = rule.remediation?.(event);

    // Assess: Panther expects no alert on a namesake session ("ChangeOwnPassword").
    expect(plan).toEqual([]);
    expect(rule.severity).toBe('medium');
    expect(rule.defaultMode).toBe('alert');
    expect(rule.references?.panther ?? []).toEqual([]);
  });
});
