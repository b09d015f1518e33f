import { describe, expect, it } from 'vitest';
import { rule as perIp } from '../../../lambdas/rules/signin/console-login-failures';
import { rule as perUser } from '../../../lambdas/rules/signin/console-login-failures-per-user';
import { loadFixture } from '../support';

const IP_ID = 'signin.console-login-failures';
const USER_ID = 'signin.console-login-failures-per-user';

describe('signin.console-login-failures', () => {
  it('groups failures by source address', () => {
    expect(perIp.threshold?.groupBy(loadFixture(IP_ID, 'positive', 'iam-user-wrong-password'))).toBe(
      '45.148.10.22',
    );
    expect(perIp.threshold?.groupBy(loadFixture(IP_ID, 'positive', 'unknown-user-name-hidden'))).toBe(
      '45.148.10.22',
    );
  });

  it('does not count an event without a usable source address', () => {
    // Prepare
    const missing = loadFixture(IP_ID, 'positive', 'iam-user-wrong-password');
    delete missing.sourceIPAddress;
    const oversized = { ...missing, sourceIPAddress: 'x'.repeat(500) };

    // Assess
    expect(perIp.threshold?.groupBy(missing)).toBeUndefined();
    expect(perIp.threshold?.groupBy(oversized)).toBeUndefined();
  });

  it('defaults to 5 failures in 300 seconds', () => {
    expect(perIp.threshold).toMatchObject({ count: 5, windowSeconds: 300 });
  });
});

describe('signin.console-login-failures-per-user', () => {
  it('groups by account and lower-cased user name, since IAM user names are case-insensitive', () => {
    // Prepare
    const lower = loadFixture(USER_ID, 'positive', 'iam-user-wrong-password');
    const upper = loadFixture(USER_ID, 'positive', 'iam-user-wrong-password');
    if (upper.userIdentity) upper.userIdentity.userName = 'ALICE';

    // Assess
    expect(perUser.threshold?.groupBy(lower)).toBe('111122223333:alice');
    expect(perUser.threshold?.groupBy(upper)).toBe('111122223333:alice');
  });

  it('counts root attempts under the name root', () => {
    expect(perUser.threshold?.groupBy(loadFixture(USER_ID, 'positive', 'root-wrong-password'))).toBe(
      '111122223333:root',
    );
  });

  it('does not attribute attempts on hidden (non-existent) user names', () => {
    expect(
      perUser.threshold?.groupBy(loadFixture(USER_ID, 'negative', 'unknown-user-name-hidden')),
    ).toBeUndefined();
  });

  it('falls back to the user name in the ARN when userName is missing', () => {
    const event = loadFixture(USER_ID, 'positive', 'iam-user-wrong-password');
    event.userIdentity = {
      type: 'IAMUser',
      arn: 'arn:aws:iam::111122223333:user/ops/carol',
      accountId: '111122223333',
    };
    expect(perUser.threshold?.groupBy(event)).toBe('111122223333:carol');
  });

  it('defaults to 5 failures in 600 seconds', () => {
    expect(perUser.threshold).toMatchObject({ count: 5, windowSeconds: 600 });
  });
});
