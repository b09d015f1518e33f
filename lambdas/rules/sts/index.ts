import type { Rule } from '../../engine/types';
import { rule as federationTokenCreated } from './federation-token-created';
import { rule as sessionTokenWithoutMfa } from './session-token-without-mfa';

/** The `sts.*` rules. */
export const rules: readonly Rule[] = [federationTokenCreated, sessionTokenWithoutMfa];
