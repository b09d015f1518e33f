import type { Rule } from '../../engine/types';
import { rule as defaultEncryptionDisabled } from './default-encryption-disabled';
import { rule as snapshotShared } from './snapshot-shared';

/** The `ebs.*` rules. */
export const rules: readonly Rule[] = [defaultEncryptionDisabled, snapshotShared];
