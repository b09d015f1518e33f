import type { Rule } from '../../engine/types';
import { rule as logBucketTampered } from './log-bucket-tampered';
import { rule as loggingStopped } from './logging-stopped';
import { rule as trailDeletedOrUpdated } from './trail-deleted-or-updated';

/** The `cloudtrail.*` rules. */
export const rules: readonly Rule[] = [logBucketTampered, loggingStopped, trailDeletedOrUpdated];
