import { describe, expect, it } from 'vitest';
import { rule } from '../../../lambdas/rules/root/account-used';
import { counts, loadFixture } from '../support';

const ID = 'root.account-used';

describe('root.account-used', () => {
  it('does not count a failed root sign-in but counts a failed root API call', () => {
    // Prepare
    const failedSignIn = loadFixture(ID, 'negative', 'failed-console-login');
    const deniedCall = loadFixture(ID, 'positive', 'write-denied-by-scp');

    // Assess
    expect(counts(rule, failedSignIn)).toBe(false);
    expect(counts(rule, deniedCall)).toBe(true);
  });

  it('counts other root sign-in events such as a password recovery request', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'console-login-with-mfa');
    event.eventName = 'PasswordRecoveryRequested';
    event.responseElements = { PasswordRecoveryRequested: 'Success' };

    // Assess
    expect(counts(rule, event)).toBe(true);
  });

  it('does not count AWS service events recorded under root', () => {
    const event = loadFixture(ID, 'positive', 'create-root-access-key');
    event.eventType = 'AwsServiceEvent';
    expect(counts(rule, event)).toBe(false);
  });

  it('never plans remediation for root', () => {
    expect(rule.remediation?.(loadFixture(ID, 'positive', 'create-root-access-key'))).toEqual([]);
  });

  it('summarizes the call, region and source', () => {
    expect(rule.summarize(loadFixture(ID, 'positive', 'write-denied-by-scp'))).toBe(
      'The root user in account 111122223333 called ec2.amazonaws.com:CreateTags in eu-west-1 from 192.0.2.140.',
    );
  });

  it('does not count a read-only root console call, whether it succeeded or was denied', () => {
    // Prepare
    const listed = loadFixture(ID, 'negative', 'read-only-list-access-keys');
    const denied = {
      ...loadFixture(ID, 'negative', 'read-only-list-access-keys'),
      errorCode: 'AccessDenied',
    };

    // Act
    const verdicts = [counts(rule, listed), counts(rule, denied)];

    // Assess: root.read-only-activity reports these.
    expect(verdicts).toEqual([false, false]);
  });

  it('counts any call signed with a root access key, read-only included', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'read-only-call-with-root-access-key');

    // Act
    const verdict = counts(rule, event);

    // Assess
    expect(event.readOnly).toBe(true);
    expect(verdict).toBe(true);
  });

  it('counts a root call when the record has no readOnly field or marks it not read-only', () => {
    // Prepare
    const withoutField = loadFixture(ID, 'negative', 'read-only-list-access-keys');
    delete withoutField.readOnly;
    const notReadOnly = loadFixture(ID, 'negative', 'read-only-list-access-keys');
    notReadOnly.readOnly = false;

    // Act
    const verdicts = [counts(rule, withoutField), counts(rule, notReadOnly)];

    // Assess
    expect(verdicts).toEqual([true, true]);
  });

  it('counts a root console sign-in when the sign-in record has no readOnly field', () => {
    // Prepare: Panther's "Successful Root Login" sample has no readOnly field.
    const event = loadFixture(ID, 'positive', 'console-login-with-mfa');
    delete event.readOnly;

    // Act
    const verdict = counts(rule, event);

    // Assess
    expect(verdict).toBe(true);
  });

  it('records no disagreement with Panther AWS.Root.Activity when it leaves read-only calls out', () => {
    // Assess
    expect(rule.references?.disagreements ?? []).toEqual([]);
    expect(rule.references?.panther).toContain('AWS.Root.Activity');
  });
});
