import type { Rule } from '../../engine/types';
import { rule as leaveAttempted } from './leave-attempted';

/** The `organizations.*` rules. */
export const rules: readonly Rule[] = [leaveAttempted];
