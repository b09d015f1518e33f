import { describe, expect, it } from 'vitest';
import { makesBucketPublic, publicAclGrants, rule } from '../../../lambdas/rules/s3/bucket-made-public';
import { counts, loadFixture } from '../support';

const ID = 's3.bucket-made-public';

describe('s3.bucket-made-public', () => {
  it.each([
    [
      'a grant header naming AllUsers',
      { 'x-amz-grant-read': ['uri=http://acs.amazonaws.com/groups/global/AllUsers'] },
    ],
    [
      'a grant header naming AuthenticatedUsers',
      { 'x-amz-grant-write': 'uri="http://acs.amazonaws.com/groups/global/AuthenticatedUsers"' },
    ],
    ['the canned authenticated-read ACL', { 'x-amz-acl': 'authenticated-read' }],
    [
      'a single grant object in the body',
      {
        AccessControlPolicy: {
          AccessControlList: {
            Grant: {
              Grantee: { URI: 'http://acs.amazonaws.com/groups/global/AllUsers' },
              Permission: 'WRITE',
            },
          },
        },
      },
    ],
  ])('counts an ACL made public through %s', (_label, grant) => {
    // Prepare
    const event = loadFixture(ID, 'negative', 'private-acl');
    event.requestParameters = { bucketName: 'acme-reports', ...grant };

    // Assess
    expect(publicAclGrants(event).length).toBeGreaterThan(0);
    expect(counts(rule, event)).toBe(true);
  });

  it('does not count grants to the log delivery group or to canonical users', () => {
    const event = loadFixture(ID, 'negative', 'private-acl');
    event.requestParameters = {
      bucketName: 'acme-reports',
      'x-amz-grant-write': ['uri=http://acs.amazonaws.com/groups/s3/LogDelivery'],
      'x-amz-grant-read': ['id=79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be'],
    };
    expect(makesBucketPublic(event)).toBe(false);
  });

  it('reads a bucket policy logged as text', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'policy-allows-everyone');
    const policy = (event.requestParameters as { bucketPolicy: unknown }).bucketPolicy;
    event.requestParameters = { bucketName: 'acme-customer-exports', bucketPolicy: JSON.stringify(policy) };

    // Assess
    expect(counts(rule, event)).toBe(true);
  });

  it('plans Block Public Access on the bucket and says how it became public', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'acl-grants-all-users');

    // Assess
    expect(rule.remediation?.(event)).toEqual([
      expect.objectContaining({
        action: 's3.put-public-access-block',
        params: { bucket: 'acme-reports', region: 'eu-west-1' },
      }),
    ]);
    expect(rule.summarize(event)).toBe(
      'IAM user alice made S3 bucket "acme-reports" public with an ACL granting public access (READ) from 198.51.100.23.',
    );
    expect(rule.defaultMode).toBe('alert');
  });

  it('plans nothing for a bucket name S3 would not accept', () => {
    const event = loadFixture(ID, 'positive', 'canned-public-read');
    event.requestParameters = { bucketName: 'Bad_Bucket;rm', 'x-amz-acl': ['public-read'] };
    expect(counts(rule, event)).toBe(true);
    expect(rule.remediation?.(event)).toEqual([]);
  });
});
