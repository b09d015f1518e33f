import type { Rule } from '../../engine/types';
import { rule as guardrailRemoved } from './guardrail-removed';
import { rule as invocationLoggingDeleted } from './invocation-logging-deleted';
import { rule as modelAccessEnabled } from './model-access-enabled';

/** The `bedrock.*` rules. */
export const rules: readonly Rule[] = [guardrailRemoved, invocationLoggingDeleted, modelAccessEnabled];
