import type { Rule } from '../../engine/types';
import { rule as logGroupTampered } from './log-group-tampered';

/** The `logs.*` rules. */
export const rules: readonly Rule[] = [logGroupTampered];
