import type { Rule } from '../../engine/types';
import { rule as flowLogsDeleted } from './flow-logs-deleted';
import { rule as networkAclOpenToWorld } from './network-acl-open-to-world';

/** The `vpc.*` rules. */
export const rules: readonly Rule[] = [flowLogsDeleted, networkAclOpenToWorld];
