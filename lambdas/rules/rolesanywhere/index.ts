import type { Rule } from '../../engine/types';
import { rule as profileChanged } from './profile-changed';
import { rule as trustAnchorChanged } from './trust-anchor-changed';

/** The `rolesanywhere.*` rules. */
export const rules: readonly Rule[] = [profileChanged, trustAnchorChanged];
