/** Builders of posture snapshots for the pure check tests. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type {
  CredentialReportRow,
  KeySlot,
  PasswordPolicy,
  PostureSnapshot,
  UserDetail,
} from '../../lambdas/posture/types';

export const POSTURE_FIXTURES = resolve(__dirname, '..', 'fixtures', 'posture');

export function fixtureText(name: string): string {
  return readFileSync(join(POSTURE_FIXTURES, name), 'utf8');
}

export const ACCOUNT = '111122223333';
export const AS_OF = new Date('2025-01-01T00:00:00Z');
const DAY = 24 * 3600 * 1000;

/** `n` days before AS_OF. */
export function daysAgo(n: number): Date {
  return new Date(AS_OF.getTime() - n * DAY);
}

export const NO_KEY: KeySlot = { slot: 1, active: false, lastUsed: { kind: 'never' } };

export function key(slot: 1 | 2, createdDaysAgo: number, usedDaysAgo?: number, active = true): KeySlot {
  return {
    slot,
    active,
    lastRotated: daysAgo(createdDaysAgo),
    lastUsed: usedDaysAgo === undefined ? { kind: 'never' } : { kind: 'used', at: daysAgo(usedDaysAgo) },
  };
}

export function user(name: string, overrides: Partial<CredentialReportRow> = {}): CredentialReportRow {
  return {
    user: name,
    arn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
    isRoot: false,
    userCreationTime: daysAgo(400),
    passwordEnabled: false,
    passwordLastUsed: { kind: 'not-applicable' },
    mfaActive: false,
    keys: [NO_KEY, { ...NO_KEY, slot: 2 }],
    ...overrides,
  };
}

export const STRONG_POLICY: PasswordPolicy = {
  minimumPasswordLength: 14,
  passwordReusePrevention: 24,
  maxPasswordAge: 90,
  requireUppercaseCharacters: true,
  requireLowercaseCharacters: true,
  requireNumbers: true,
  requireSymbols: true,
};

export function snapshot(overrides: Partial<PostureSnapshot> = {}): PostureSnapshot {
  return {
    account: ACCOUNT,
    partition: 'aws',
    reportGeneratedAt: AS_OF,
    users: [],
    accountSummary: { mfaEnabled: true, accessKeysPresent: false },
    passwordPolicy: STRONG_POLICY,
    details: new Map<string, UserDetail>(),
    gaps: [],
    ...overrides,
  };
}

export const context = (threshold: number) => ({
  asOf: AS_OF,
  threshold,
  requiredClasses: ['uppercase', 'lowercase', 'numbers', 'symbols'] as const,
});
