import { describe, expect, it } from 'vitest';
import { rule as massDeletion } from '../../../lambdas/rules/s3/mass-object-deletion';
import { foreignDestinationAccount } from '../../../lambdas/rules/s3/object-copied-to-foreign-bucket';
import {
  encryptionKeyAccount,
  usesForeignKey,
} from '../../../lambdas/rules/s3/object-encrypted-with-foreign-key';
import { ransomNoteName } from '../../../lambdas/rules/s3/ransom-note-uploaded';
import { counts, loadFixture } from '../support';

describe('s3.object-encrypted-with-foreign-key', () => {
  it('reads the key account from key and alias ARNs only', () => {
    // Prepare
    const event = loadFixture('s3.object-encrypted-with-foreign-key', 'positive', 'upload-under-foreign-key');
    const withKey = (key: unknown) => ({
      ...event,
      requestParameters: { bucketName: 'b', key: 'k', 'x-amz-server-side-encryption-aws-kms-key-id': key },
    });

    // Assess
    expect(encryptionKeyAccount(withKey('arn:aws:kms:eu-west-1:999988887777:alias/theirs'))).toBe(
      '999988887777',
    );
    expect(encryptionKeyAccount(withKey('7f1e2d3c-4b5a-4697-8a7b-6c5d4e3f2a1b'))).toBeUndefined();
    expect(usesForeignKey(withKey('arn:aws:kms:eu-west-1:111122223333:key/mine'))).toBe(false);
  });
});

describe('s3.object-copied-to-foreign-bucket', () => {
  it('judges the destination bucket named in the request, not the source', () => {
    // Prepare
    const event = loadFixture('s3.object-copied-to-foreign-bucket', 'negative', 'copied-from-vendor-bucket');

    // Assess: the vendor's bucket is the source, the destination is ours.
    expect(foreignDestinationAccount(event)).toBeUndefined();
  });

  it('falls back to any foreign bucket when no resource names the destination', () => {
    const event = loadFixture('s3.object-copied-to-foreign-bucket', 'positive', 'copied-to-unknown-account');
    event.requestParameters = { bucketName: 'renamed-by-anonymiser', key: 'customers.csv' };
    expect(foreignDestinationAccount(event)).toBe('999988887777');
  });
});

describe('s3.ransom-note-uploaded', () => {
  const withKey = (key: string) => ({
    ...loadFixture('s3.ransom-note-uploaded', 'positive', 'how-to-decrypt-note'),
    requestParameters: { bucketName: 'b', key },
  });

  it.each([
    'HOW_TO_DECRYPT_FILES.txt',
    'a/b/README-RECOVER-DATA.html',
    'restore_your_files.md',
    'RANSOM_NOTE',
    'x/ransom.txt',
  ])('treats %s as a ransom note', (key) => {
    expect(ransomNoteName(withKey(key))).toBeDefined();
  });

  it.each(['reports/q1.pdf', 'restore-data.tar.gz', 'decrypt.py', 'docs/readme.txt', 'files/'])(
    'does not treat %s as a ransom note',
    (key) => {
      expect(ransomNoteName(withKey(key))).toBeUndefined();
    },
  );
});

describe('s3.mass-object-deletion', () => {
  it('counts single and batch deletions per principal towards the same burst', () => {
    const single = loadFixture('s3.mass-object-deletion', 'positive', 'single-delete');
    const batch = { ...single, eventName: 'DeleteObjects' };
    expect(counts(massDeletion, batch)).toBe(true);
    expect(massDeletion.threshold?.groupBy(batch)).toBe(massDeletion.threshold?.groupBy(single));
  });
});
