import { describe, expect, it } from 'vitest';
import { rule as accessKey } from '../../../lambdas/rules/root/access-key-created';
import { rule as password } from '../../../lambdas/rules/root/password-changed';
import { counts, loadFixture } from '../support';

describe('root.access-key-created', () => {
  const ID = 'root.access-key-created';

  it('counts keys created in the console, where CloudTrail marks root’s call invokedBy signin', () => {
    expect(counts(accessKey, loadFixture(ID, 'positive', 'root-console-creates-own-key'))).toBe(true);
  });

  it('names the new key and plans nothing (root is never remediated)', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'root-api-creates-own-key');

    // Assess
    expect(accessKey.summarize(event)).toBe(
      'The root user created access key AKIAQ3EGUXBZROOTK3Y7 for itself in account 111122223333 from 45.148.10.22.',
    );
    expect(accessKey.remediation?.(event)).toEqual([]);
  });
});

describe('root.password-changed', () => {
  const ID = 'root.password-changed';

  it('reads the outcome under the event’s own name, so a mismatched response does not count', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'root-password-recovery-completed');
    event.responseElements = { PasswordUpdated: 'Success', PasswordRecoveryCompleted: 'Failure' };

    // Assess
    expect(counts(password, event)).toBe(false);
  });

  it('says how the password changed', () => {
    expect(password.summarize(loadFixture(ID, 'positive', 'root-password-recovery-completed'))).toBe(
      'The root user’s password was reset by password recovery in account 111122223333 from 45.148.10.22.',
    );
  });
});
