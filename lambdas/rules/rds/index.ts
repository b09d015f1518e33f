import type { Rule } from '../../engine/types';
import { rule as activityStreamStopped } from './activity-stream-stopped';
import { rule as backupDeleted } from './backup-deleted';
import { rule as databaseDeleted } from './database-deleted';
import { rule as deletionProtectionDisabled } from './deletion-protection-disabled';
import { rule as iamRoleAdded } from './iam-role-added';
import { rule as instanceMadePublic } from './instance-made-public';
import { rule as masterPasswordReset } from './master-password-reset';
import { rule as snapshotExported } from './snapshot-exported';
import { rule as snapshotShared } from './snapshot-shared';

/** The `rds.*` rules. */
export const rules: readonly Rule[] = [
  activityStreamStopped,
  backupDeleted,
  databaseDeleted,
  deletionProtectionDisabled,
  iamRoleAdded,
  instanceMadePublic,
  masterPasswordReset,
  snapshotExported,
  snapshotShared,
];
