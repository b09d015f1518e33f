import type { Rule } from '../../engine/types';
import { rule as queryLoggingDeleted } from './query-logging-deleted';

/** The `route53resolver.*` rules. */
export const rules: readonly Rule[] = [queryLoggingDeleted];
