import type { Rule } from '../../engine/types';
import { rule as accessKeyCreated } from './access-key-created';
import { rule as accountUsed } from './account-used';
import { rule as passwordChanged } from './password-changed';
import { rule as readOnlyActivity } from './read-only-activity';

/** The `root.*` rules. */
export const rules: readonly Rule[] = [accessKeyCreated, accountUsed, passwordChanged, readOnlyActivity];
