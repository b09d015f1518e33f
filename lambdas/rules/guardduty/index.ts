import type { Rule } from '../../engine/types';
import { rule as detectorDeletedOrDisabled } from './detector-deleted-or-disabled';
import { rule as findingsAutoArchived } from './findings-auto-archived';
import { rule as memberDisassociated } from './member-disassociated';
import { rule as trustedIpListChanged } from './trusted-ip-list-changed';

/** The `guardduty.*` rules. */
export const rules: readonly Rule[] = [
  detectorDeletedOrDisabled,
  findingsAutoArchived,
  memberDisassociated,
  trustedIpListChanged,
];
