import type { Rule } from '../../engine/types';
import { rule as recordingStopped } from './recording-stopped';

/** The `config.*` rules. */
export const rules: readonly Rule[] = [recordingStopped];
