import type { PostureCheck } from '../types';
import { accessKeyTooOld } from './access-key-too-old';
import { accessKeyUnused } from './access-key-unused';
import { adminPolicyAttachedToUser } from './admin-policy-attached-to-user';
import { consoleUserWithoutMfa } from './console-user-without-mfa';
import { multipleActiveAccessKeys } from './multiple-active-access-keys';
import { passwordPolicyCharacterClasses } from './password-policy-character-classes';
import { passwordPolicyMaxAge } from './password-policy-max-age';
import { passwordPolicyMinLength } from './password-policy-min-length';
import { passwordPolicyReusePrevention } from './password-policy-reuse-prevention';
import { passwordUnused } from './password-unused';
import { rootAccessKey } from './root-access-key';
import { rootMfa } from './root-mfa';

/** Every posture check, in report order (CIS numbering). Add a check: one file in this folder, one line here. */
export const POSTURE_CHECKS: readonly PostureCheck[] = [
  rootAccessKey,
  rootMfa,
  passwordPolicyMinLength,
  passwordPolicyReusePrevention,
  consoleUserWithoutMfa,
  accessKeyUnused,
  passwordUnused,
  multipleActiveAccessKeys,
  accessKeyTooOld,
  adminPolicyAttachedToUser,
  passwordPolicyMaxAge,
  passwordPolicyCharacterClasses,
];
