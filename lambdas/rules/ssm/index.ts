import type { Rule } from '../../engine/types';
import { rule as documentSharedExternally } from './document-shared-externally';
import { rule as secureParametersBurst } from './secure-parameters-burst';
import { rule as sendCommandMultipleTargets } from './send-command-multiple-targets';
import { rule as sessionFanOut } from './session-fan-out';

/** The `ssm.*` rules. */
export const rules: readonly Rule[] = [
  documentSharedExternally,
  secureParametersBurst,
  sendCommandMultipleTargets,
  sessionFanOut,
];
