import { describe, expect, it } from 'vitest';
import {
  looksLikeTrailBucket,
  rule,
  shortestExpiryDays,
} from '../../../lambdas/rules/cloudtrail/log-bucket-tampered';
import { counts, loadFixture } from '../support';

const ID = 'cloudtrail.log-bucket-tampered';

describe('cloudtrail.log-bucket-tampered', () => {
  it.each([
    'acme-cloudtrail-logs',
    'org-trail-archive',
    'AWS-CloudTrail-Logs-1',
    'aws-controltower-logs-111122223333-eu-west-1',
  ])('treats %s as a trail bucket by name', (name) => {
    expect(looksLikeTrailBucket(name)).toBe(true);
  });

  it.each(['acme-athena-results', 'acme-access-logs', undefined])(
    'does not treat %s as a trail bucket',
    (name) => {
      expect(looksLikeTrailBucket(name)).toBe(false);
    },
  );

  it('takes the shortest expiry of the enabled rules, current or noncurrent, below seven days', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'one-day-expiry-on-trail-bucket');
    const withRules = (rules: unknown) => ({
      ...event,
      requestParameters: { bucketName: 'acme-cloudtrail-logs', LifecycleConfiguration: { Rule: rules } },
    });

    // Assess
    expect(shortestExpiryDays(withRules([{ Status: 'Enabled', Expiration: { Days: 6 } }]))).toBe(6);
    expect(shortestExpiryDays(withRules([{ Status: 'Enabled', Expiration: { Days: 7 } }]))).toBeUndefined();
    expect(
      shortestExpiryDays(
        withRules([
          {
            Status: 'Enabled',
            Expiration: { Days: 3 },
            NoncurrentVersionExpiration: { NoncurrentDays: '1' },
          },
          { Status: 'Disabled', Expiration: { Days: 0 } },
        ]),
      ),
    ).toBe(1);
    expect(
      shortestExpiryDays(withRules([{ Status: 'Enabled', Expiration: { Date: '2025-03-12T00:00:00Z' } }])),
    ).toBeUndefined();
  });

  it('counts deleting a trail bucket, whatever its contents', () => {
    const event = loadFixture(ID, 'positive', 'bucket-policy-deleted-on-trail-bucket');
    const deleted = { ...event, eventName: 'DeleteBucket' };
    expect(counts(rule, deleted)).toBe(true);
    expect(rule.summarize(deleted)).toBe(
      'IAM user alice deleted bucket "aws-cloudtrail-logs-111122223333-3f1e2a9c" from 198.51.100.23.',
    );
  });

  it('quarantines the actor in its plan', () => {
    const event = loadFixture(ID, 'positive', 'one-day-expiry-on-trail-bucket');
    expect(rule.remediation?.(event).map((s) => [s.action, s.params.principalName])).toEqual([
      ['iam.quarantine-principal', 'PlatformOps'],
    ]);
  });
});
