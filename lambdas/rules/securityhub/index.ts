import type { Rule } from '../../engine/types';
import { rule as disabled } from './disabled';
import { rule as findingsSuppressed } from './findings-suppressed';

/** The `securityhub.*` rules. */
export const rules: readonly Rule[] = [disabled, findingsSuppressed];
