import type { Rule } from '../../engine/types';
import { rule as disabled } from './disabled';

/** The `macie.*` rules. */
export const rules: readonly Rule[] = [disabled];
