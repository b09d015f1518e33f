import type { Rule } from '../../engine/types';
import { rule as consoleLoginFailures } from './console-login-failures';
import { rule as consoleLoginFailuresPerUser } from './console-login-failures-per-user';
import { rule as consoleLoginWithoutMfa } from './console-login-without-mfa';
import { rule as consoleMfaFailures } from './console-mfa-failures';
import { rule as getSigninToken } from './get-signin-token';
import { rule as identityCenterIdpChanged } from './identity-center-idp-changed';

/** The `signin.*` rules. */
export const rules: readonly Rule[] = [
  consoleLoginFailures,
  consoleLoginFailuresPerUser,
  consoleLoginWithoutMfa,
  consoleMfaFailures,
  getSigninToken,
  identityCenterIdpChanged,
];
