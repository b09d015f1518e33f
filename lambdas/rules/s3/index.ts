import type { Rule } from '../../engine/types';
import { rule as accessLoggingDisabled } from './access-logging-disabled';
import { rule as bucketMadePublic } from './bucket-made-public';
import { rule as clientSideEncryptionBurst } from './client-side-encryption-burst';
import { rule as encryptionOrReplicationRemoved } from './encryption-or-replication-removed';
import { rule as massObjectDeletion } from './mass-object-deletion';
import { rule as objectCopiedToForeignBucket } from './object-copied-to-foreign-bucket';
import { rule as objectEncryptedWithForeignKey } from './object-encrypted-with-foreign-key';
import { rule as publicAccessBlockDeleted } from './public-access-block-deleted';
import { rule as ransomNoteUploaded } from './ransom-note-uploaded';
import { rule as versioningOrMfaDeleteDisabled } from './versioning-or-mfa-delete-disabled';

/** The `s3.*` rules. */
export const rules: readonly Rule[] = [
  accessLoggingDisabled,
  bucketMadePublic,
  clientSideEncryptionBurst,
  encryptionOrReplicationRemoved,
  massObjectDeletion,
  objectCopiedToForeignBucket,
  objectEncryptedWithForeignKey,
  publicAccessBlockDeleted,
  ransomNoteUploaded,
  versioningOrMfaDeleteDisabled,
];
