import { describe, expect, it } from 'vitest';
import { principalKey, rule } from '../../../lambdas/rules/iam/access-denied-burst';
import { counts, loadFixture } from '../support';

const ID = 'iam.access-denied-burst';

describe('iam.access-denied-burst', () => {
  it.each([
    'AccessDenied',
    'AccessDeniedException',
    'UnauthorizedOperation',
    'Client.UnauthorizedOperation',
    'AuthorizationError',
  ])('counts the error code %s', (errorCode) => {
    const event = { ...loadFixture(ID, 'positive', 'iam-user-list-roles-denied'), errorCode };
    expect(counts(rule, event)).toBe(true);
  });

  it.each(['VpceAccessDenied', 'ThrottlingException', 'Client.DryRunOperation'])(
    'does not count the error code %s',
    (errorCode) => {
      const event = { ...loadFixture(ID, 'positive', 'iam-user-list-roles-denied'), errorCode };
      expect(counts(rule, event)).toBe(false);
    },
  );

  it('groups by the session ARN of a role, so two sessions are counted apart', () => {
    expect(principalKey(loadFixture(ID, 'positive', 'role-describe-instances-unauthorized'))).toBe(
      'arn:aws:sts::111122223333:assumed-role/app-runtime/i-0f3a9c2b7d5e1a468',
    );
  });

  it('falls back to account and principal id when the identity has no ARN', () => {
    const event = loadFixture(ID, 'positive', 'iam-user-list-roles-denied');
    event.userIdentity = { type: 'AWSAccount', principalId: 'AIDAEXAMPLE', accountId: '999988887777' };
    expect(principalKey(event)).toBe('999988887777:AIDAEXAMPLE');
  });

  it('counts a call whose user agent imitates the console backend (user agents are caller-chosen)', () => {
    const event = loadFixture(ID, 'positive', 'iam-user-list-roles-denied');
    event.userAgent = 'aws-internal/3 aws-sdk-java/1.12.779';
    expect(counts(rule, event)).toBe(true);
  });

  it('does not count calls an AWS service made, as AWS records them', () => {
    const event = loadFixture(ID, 'positive', 'iam-user-list-roles-denied');
    expect(counts(rule, { ...event, sourceIPAddress: 'AWS Internal' })).toBe(false);
    expect(counts(rule, { ...event, sourceIPAddress: 'lambda.amazonaws.com' })).toBe(false);
  });

  it('defaults to 10 denials in 300 seconds and never remediates', () => {
    expect(rule.threshold).toMatchObject({ count: 10, windowSeconds: 300 });
    expect(rule.remediation?.(loadFixture(ID, 'positive', 'iam-user-list-roles-denied'))).toEqual([]);
  });
});
