import type { Rule } from '../../engine/types';
import { rule as accessDeniedBurst } from './access-denied-burst';
import { rule as accessKeyCreatedForAnotherUser } from './access-key-created-for-another-user';
import { rule as adminPolicyAttached } from './admin-policy-attached';
import { rule as adminPolicyVersionCreated } from './admin-policy-version-created';
import { rule as backdoorUserChain } from './backdoor-user-chain';
import { rule as changedWithS3Browser } from './changed-with-s3-browser';
import { rule as compromisedKeyQuarantinePolicy } from './compromised-key-quarantine-policy';
import { rule as loginProfileForAnotherUser } from './login-profile-for-another-user';
import { rule as loginProfileSetByNamesakeSession } from './login-profile-set-by-namesake-session';
import { rule as mfaDeviceDeactivated } from './mfa-device-deactivated';
import { rule as oidcProviderChanged } from './oidc-provider-changed';
import { rule as passwordPolicyWeakened } from './password-policy-weakened';
import { rule as policyDefaultVersionChanged } from './policy-default-version-changed';
import { rule as roleTrustOpened } from './role-trust-opened';
import { rule as samlProviderChanged } from './saml-provider-changed';

/** The `iam.*` rules. */
export const rules: readonly Rule[] = [
  accessDeniedBurst,
  accessKeyCreatedForAnotherUser,
  adminPolicyAttached,
  adminPolicyVersionCreated,
  backdoorUserChain,
  changedWithS3Browser,
  compromisedKeyQuarantinePolicy,
  loginProfileForAnotherUser,
  loginProfileSetByNamesakeSession,
  mfaDeviceDeactivated,
  oidcProviderChanged,
  passwordPolicyWeakened,
  policyDefaultVersionChanged,
  roleTrustOpened,
  samlProviderChanged,
];
