import type { RemediationStep } from '../../engine/types';
import type { CheckResult, CredentialReportRow, KeySlot, LastUse, PostureSnapshot, Subject } from '../types';

const DAY_MS = 24 * 3600 * 1000;

/** Whole days from `from` to `asOf` (negative when `from` is later, e.g. clock skew). */
export function daysBetween(from: Date, asOf: Date): number {
  return Math.floor((asOf.getTime() - from.getTime()) / DAY_MS);
}

/** `2024-01-31` */
export function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function userSubject(row: CredentialReportRow): Subject {
  return { kind: 'user', name: row.user, arn: row.arn };
}

export function accountSubject(snapshot: PostureSnapshot): Subject {
  return {
    kind: 'account',
    name: snapshot.account,
    arn: `arn:${snapshot.partition}:iam::${snapshot.account}:root`,
  };
}

/**
 * What identifies a user across runs: the name and its creation time, so a user deleted and re-created under the
 * same name is a new subject (and a new finding).
 */
export function userFacts(row: CredentialReportRow): string[] {
  return [row.user, row.userCreationTime?.toISOString() ?? 'created-unknown'];
}

/** The active key slots of a user row. */
export function activeKeys(row: CredentialReportRow): KeySlot[] {
  return row.keys.filter((key) => key.active);
}

const second = (date: Date | undefined) => (date ? Math.floor(date.getTime() / 1000) : undefined);

/**
 * The access key id in a report slot. The report has no key ids, so the keys from `ListAccessKeys` are matched on
 * creation time (`access_key_N_last_rotated` is the key's creation time, to the second). Two keys created within
 * the same second are told apart by the report's order (slot 1 is the older key). `undefined` when the keys could
 * not be read or no key matches (deleted since the report): the finding then carries no remediation step.
 */
export function accessKeyIdFor(
  snapshot: PostureSnapshot,
  row: CredentialReportRow,
  slot: KeySlot,
): string | undefined {
  const keys = snapshot.details.get(row.user)?.accessKeys;
  const target = second(slot.lastRotated);
  if (keys === undefined || target === undefined) return undefined;
  const sameTime = keys.filter((key) => second(key.createdAt) === target);
  if (sameTime.length === 1) return sameTime[0]?.accessKeyId;
  if (sameTime.length === 2 && keys.length === 2) {
    const other = row.keys.find((k) => k.slot !== slot.slot);
    // Both slots hold keys created in this second: the report lists them in creation order, as does ListAccessKeys.
    if (second(other?.lastRotated) === target) return sameTime[slot.slot - 1]?.accessKeyId;
  }
  return undefined;
}

/** The plan for a stale or unused key: deactivate it (never delete; undo re-activates it). */
export function disableKeyPlan(userName: string, accessKeyId: string | undefined): RemediationStep[] {
  if (accessKeyId === undefined) return [];
  return [
    {
      action: 'iam.disable-access-key',
      params: { userName, accessKeyId },
      description: `Deactivate access key ${accessKeyId} of IAM user ${userName}`,
    },
  ];
}

/** `last used 2024-01-31`, `never used` ... for details. */
export function describeUse(use: LastUse): string {
  switch (use.kind) {
    case 'used':
      return `last used ${day(use.at)}`;
    case 'never':
      return 'never used';
    case 'not-applicable':
      return 'no such credential';
    case 'unknown':
      return 'last use unknown';
  }
}

export function keyLabel(slot: KeySlot, accessKeyId: string | undefined): string {
  return accessKeyId ? `access key ${accessKeyId}` : `access key in slot ${slot.slot}`;
}

export function result(
  subject: Subject,
  passed: boolean,
  detail: string,
  facts: readonly string[],
  extra: Pick<CheckResult, 'accessKeyId' | 'remediation'> = {},
): CheckResult {
  return { subject, passed, detail, facts, ...extra };
}
