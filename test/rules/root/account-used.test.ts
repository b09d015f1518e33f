import { describe, expect, it } from 'vitest';
import { rule } from '../../../lambdas/rules/root/account-used';
import { counts, loadFixture } from '../support';

const ID = 'root.account-used';

describe('root.account-used', () => {
  it('does not count a failed root sign-in but counts a failed root API call', () => {
    // Prepare
    const failedSignIn = loadFixture(ID, 'negative', 'failed-console-login');
    const deniedCall = loadFixture(ID, 'positive', 'api-call-denied-by-scp');

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
    expect(rule.summarize(loadFixture(ID, 'positive', 'read-only-list-access-keys'))).toBe(
      'The root user in account 111122223333 called iam.amazonaws.com:ListAccessKeys in us-east-1 from 203.0.113.77.',
    );
  });
});
