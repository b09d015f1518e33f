import type { Rule } from '../../engine/types';
import { rule as attackToolUserAgent } from './attack-tool-user-agent';
import { rule as instanceCredentialsUsedExternally } from './instance-credentials-used-externally';
import { rule as securityScannerUserAgent } from './security-scanner-user-agent';

/** The `credentials.*` rules. */
export const rules: readonly Rule[] = [
  attackToolUserAgent,
  instanceCredentialsUsedExternally,
  securityScannerUserAgent,
];
