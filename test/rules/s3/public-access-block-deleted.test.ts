import { describe, expect, it } from 'vitest';
import { flagsTurnedOff, rule } from '../../../lambdas/rules/s3/public-access-block-deleted';
import { counts, loadFixture } from '../support';

const ID = 's3.public-access-block-deleted';

function putWith(configuration: unknown) {
  const event = loadFixture(ID, 'negative', 'put-bucket-block-all-on');
  event.requestParameters = { bucketName: 'customer-exports', PublicAccessBlockConfiguration: configuration };
  return event;
}

describe('s3.public-access-block-deleted', () => {
  it('treats a flag the request leaves out as off, as the API does', () => {
    const event = putWith({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true });
    expect(flagsTurnedOff(event)).toEqual(['RestrictPublicBuckets']);
    expect(counts(rule, event)).toBe(true);
  });

  it('reads flags logged as strings', () => {
    const all = {
      BlockPublicAcls: 'true',
      IgnorePublicAcls: 'true',
      BlockPublicPolicy: 'true',
      RestrictPublicBuckets: 'true',
    };
    expect(counts(rule, putWith(all))).toBe(false);
  });

  it('does not judge a Put whose configuration cannot be read', () => {
    expect(counts(rule, putWith(undefined))).toBe(false);
    expect(counts(rule, putWith('all-on'))).toBe(false);
  });

  it('summarizes which protections were turned off', () => {
    expect(rule.summarize(loadFixture(ID, 'positive', 'put-bucket-block-with-policy-flags-off'))).toBe(
      'IAM user alice turned off S3 Block Public Access BlockPublicPolicy, RestrictPublicBuckets for bucket ' +
        '"customer-exports" from 198.51.100.23.',
    );
    expect(rule.summarize(loadFixture(ID, 'positive', 'delete-account-public-access-block'))).toBe(
      'Role PlatformOperators (session jmiller) removed S3 Block Public Access from the whole account 111122223333 ' +
        'from 198.51.100.23.',
    );
  });

  it('plans re-applying Block Public Access on the bucket, and nothing for the account-wide setting', () => {
    // Act
    const bucket = rule.remediation?.(loadFixture(ID, 'positive', 'delete-bucket-public-access-block'));
    const account = rule.remediation?.(loadFixture(ID, 'positive', 'delete-account-public-access-block'));
    // Assess
    expect(bucket?.map((s) => [s.action, s.params])).toEqual([
      ['s3.put-public-access-block', { bucket: 'customer-exports', region: 'eu-west-1' }],
    ]);
    expect(account).toEqual([]);
  });
});
