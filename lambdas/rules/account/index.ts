import type { Rule } from '../../engine/types';
import { rule as regionEnabled } from './region-enabled';

/** The `account.*` rules. */
export const rules: readonly Rule[] = [regionEnabled];
