import type { Rule } from '../../engine/types';
import { rule as batchRetrievalBurst } from './batch-retrieval-burst';
import { rule as batchRetrieveAll } from './batch-retrieve-all';
import { rule as resourcePolicyOpened } from './resource-policy-opened';
import { rule as secretRetrievalBurst } from './secret-retrieval-burst';

/** The `secretsmanager.*` rules. */
export const rules: readonly Rule[] = [
  batchRetrievalBurst,
  batchRetrieveAll,
  resourcePolicyOpened,
  secretRetrievalBurst,
];
