import type { Rule } from '../../engine/types';
import { rule as keyDisabledOrDeleted } from './key-disabled-or-deleted';

/** The `kms.*` rules. */
export const rules: readonly Rule[] = [keyDisabledOrDeleted];
