/**
 * The posture checks' contract. Pure types: the checks read a snapshot of the account's IAM state (collected by
 * `collect.ts`) and return one result per subject; they make no AWS calls, so the Lambda, the CLI and the tests run
 * exactly the same logic.
 */
import type { RemediationStep, RuleMode, Severity } from '../engine/types';

/** When a credential was last used, as the credential report says it. */
export type LastUse =
  | { readonly kind: 'used'; readonly at: Date }
  /** Never used (AWS: `no_information` for a password, `N/A` for an access key). */
  | { readonly kind: 'never' }
  /** There is no such credential (no password; the root row's `not_supported`). */
  | { readonly kind: 'not-applicable' }
  /** A value the report format does not define; treated as "do not know", never as a violation. */
  | { readonly kind: 'unknown'; readonly raw: string };

/** One of the two access key columns of a credential report row. */
export interface KeySlot {
  readonly slot: 1 | 2;
  readonly active: boolean;
  /** Creation (or last rotation) time of the key in this slot; absent when the slot holds no key. */
  readonly lastRotated?: Date;
  readonly lastUsed: LastUse;
}

/** One row of the IAM credential report, parsed and validated. */
export interface CredentialReportRow {
  /** The IAM user name, or `<root_account>`. */
  readonly user: string;
  readonly arn: string;
  readonly isRoot: boolean;
  readonly userCreationTime?: Date;
  /** `undefined` for the root row (`not_supported`). */
  readonly passwordEnabled?: boolean;
  readonly passwordLastUsed: LastUse;
  readonly passwordLastChanged?: Date;
  readonly mfaActive: boolean;
  readonly keys: readonly [KeySlot, KeySlot];
}

/** The account password policy, as `GetAccountPasswordPolicy` returns it. */
export interface PasswordPolicy {
  readonly minimumPasswordLength?: number;
  readonly passwordReusePrevention?: number;
  /** Days before a password expires; absent when passwords never expire. */
  readonly maxPasswordAge?: number;
  readonly requireUppercaseCharacters: boolean;
  readonly requireLowercaseCharacters: boolean;
  readonly requireNumbers: boolean;
  readonly requireSymbols: boolean;
}

export const CHARACTER_CLASSES = ['uppercase', 'lowercase', 'numbers', 'symbols'] as const;
export type CharacterClass = (typeof CHARACTER_CLASSES)[number];

/** An access key as `ListAccessKeys` returns it: the credential report has no key ids. */
export interface AccessKeyInfo {
  readonly accessKeyId: string;
  readonly status: string;
  readonly createdAt?: Date;
}

/** What was read per user beyond the credential report. `undefined` fields could not be read (see gaps). */
export interface UserDetail {
  readonly accessKeys?: readonly AccessKeyInfo[];
  /** Policies attached directly to the user (managed or inline) that allow every action on every resource. */
  readonly adminPolicies?: readonly string[];
  /** The user was deleted between the credential report and the follow-up reads. */
  readonly gone?: boolean;
}

/** The account's IAM state at one moment: everything the checks need. */
export interface PostureSnapshot {
  readonly account: string;
  readonly partition: string;
  /** When IAM generated the credential report (AWS regenerates it at most every 4 hours). */
  readonly reportGeneratedAt?: Date;
  /** IAM users (the root row excluded). */
  readonly users: readonly CredentialReportRow[];
  /** The credential report's `<root_account>` row, when it has one. */
  readonly root?: CredentialReportRow;
  /** `GetAccountSummary`'s root facts (the fallback when the report has no root row). */
  readonly accountSummary?: { readonly mfaEnabled: boolean; readonly accessKeysPresent: boolean };
  /** `null`: the account has no password policy (IAM's defaults apply); `undefined`: it could not be read. */
  readonly passwordPolicy: PasswordPolicy | null | undefined;
  readonly details: ReadonlyMap<string, UserDetail>;
  /** What could not be read or parsed; shown in the report so a pass is never silently partial. */
  readonly gaps: readonly string[];
}

export type SubjectKind = 'account' | 'root' | 'user';

/** What a result is about. */
export interface Subject {
  readonly kind: SubjectKind;
  /** User name, `<root_account>` or the account id. */
  readonly name: string;
  readonly arn?: string;
}

/** One subject's outcome for one check. */
export interface CheckResult {
  readonly subject: Subject;
  readonly passed: boolean;
  /** One line for people, built from validated values. */
  readonly detail: string;
  /**
   * What identifies this violation, for the finding id: the same unchanged violation gives the same id on every run
   * (so it is alerted once, not daily); a new key, a re-created user or a changed policy gives a new one.
   */
  readonly facts: readonly string[];
  /** The access key concerned, for key checks. */
  readonly accessKeyId?: string;
  /** The remediation plan for a violation; empty when there is nothing safe to do. */
  readonly remediation?: readonly RemediationStep[];
}

/** A control a check maps to. */
export interface ControlRef {
  readonly framework: 'cis-v3.0.0' | 'cis-v1.2.0' | 'security-hub';
  readonly id: string;
  /** The check covers part of the control only (the README says which part). */
  readonly partial?: boolean;
}

/** The run-time value a check can be tuned with (SSM `rules/<check id>/threshold` or `/required-classes`). */
export type CheckSetting =
  | {
      readonly kind: 'threshold';
      readonly default: number;
      readonly min: number;
      readonly max: number;
      /** e.g. `days`, `characters`: shown in reports and parameter descriptions. */
      readonly unit: string;
      /** What the number means, for the SSM parameter description. */
      readonly meaning: string;
    }
  | { readonly kind: 'character-classes'; readonly default: readonly CharacterClass[] };

export interface EvaluationContext {
  /** The moment ages are measured against (now, or the CLI's `--as-of`). */
  readonly asOf: Date;
  /** The check's threshold (its default when SSM says nothing). */
  readonly threshold: number;
  readonly requiredClasses: readonly CharacterClass[];
}

export type Evaluation =
  | { readonly status: 'evaluated'; readonly results: readonly CheckResult[] }
  | { readonly status: 'not-evaluated'; readonly reason: string };

/** A posture check. One per file under `lambdas/posture/checks/`, metadata next to the logic. */
export interface PostureCheck {
  /** Stable id, `posture.<name>`; also the `ruleId` of its findings and its SSM `rules/<id>/` path. */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly severity: Severity;
  readonly controls: readonly ControlRef[];
  /** Mode used when SSM says nothing. */
  readonly defaultMode: RuleMode;
  readonly setting?: CheckSetting;
  readonly runbook: string;
  /** Pure: reads the snapshot only. Must not throw on odd input. */
  readonly evaluate: (snapshot: PostureSnapshot, context: EvaluationContext) => Evaluation;
}
