import { describe, expect, it } from 'vitest';
import { POSTURE_CHECKS } from '../../lambdas/posture/checks';
import { accessKeyTooOld } from '../../lambdas/posture/checks/access-key-too-old';
import { accessKeyUnused } from '../../lambdas/posture/checks/access-key-unused';
import { adminPolicyAttachedToUser } from '../../lambdas/posture/checks/admin-policy-attached-to-user';
import { consoleUserWithoutMfa } from '../../lambdas/posture/checks/console-user-without-mfa';
import { multipleActiveAccessKeys } from '../../lambdas/posture/checks/multiple-active-access-keys';
import { passwordPolicyCharacterClasses } from '../../lambdas/posture/checks/password-policy-character-classes';
import { passwordPolicyMaxAge } from '../../lambdas/posture/checks/password-policy-max-age';
import { passwordPolicyMinLength } from '../../lambdas/posture/checks/password-policy-min-length';
import { passwordPolicyReusePrevention } from '../../lambdas/posture/checks/password-policy-reuse-prevention';
import { passwordUnused } from '../../lambdas/posture/checks/password-unused';
import { rootAccessKey } from '../../lambdas/posture/checks/root-access-key';
import { rootMfa } from '../../lambdas/posture/checks/root-mfa';
import { parseCredentialReport } from '../../lambdas/posture/credential-report';
import type { CheckResult, Evaluation, UserDetail } from '../../lambdas/posture/types';
import { AS_OF, context, daysAgo, fixtureText, key, NO_KEY, STRONG_POLICY, snapshot, user } from './support';

function results(evaluation: Evaluation): readonly CheckResult[] {
  if (evaluation.status !== 'evaluated') throw new Error(`not evaluated: ${evaluation.reason}`);
  return evaluation.results;
}
const failed = (evaluation: Evaluation) => results(evaluation).filter((r) => !r.passed);

describe('the posture check catalog', () => {
  it('gives every check a unique posture id, a control mapping, a runbook and a valid default', () => {
    // Prepare
    const ids = POSTURE_CHECKS.map((c) => c.id);
    // Assess
    expect(new Set(ids).size).toBe(ids.length);
    for (const check of POSTURE_CHECKS) {
      expect(check.id).toMatch(/^posture\.[a-z0-9-]+$/);
      expect(check.controls.length, check.id).toBeGreaterThan(0);
      expect(check.runbook.length, check.id).toBeGreaterThan(50);
      if (check.setting?.kind === 'threshold') {
        expect(check.setting.default).toBeGreaterThanOrEqual(check.setting.min);
        expect(check.setting.default).toBeLessThanOrEqual(check.setting.max);
      }
    }
  });

  it('disables keys only for the key checks and quarantines nothing', () => {
    // Prepare: a user failing every user check, with both key ids readable.
    const s = snapshot({
      users: [user('u', { passwordEnabled: true, keys: [key(1, 400), key(2, 400)] })],
      details: new Map<string, UserDetail>([
        [
          'u',
          {
            accessKeys: [
              { accessKeyId: 'AKIAFIRSTKEY00000001', status: 'Active', createdAt: daysAgo(400) },
              { accessKeyId: 'AKIASECONDKEY0000002', status: 'Active', createdAt: daysAgo(400) },
            ],
            adminPolicies: ['AdministratorAccess (managed)'],
          },
        ],
      ]),
    });
    // Act
    const plans = POSTURE_CHECKS.map((check) => {
      const evaluation = check.evaluate(s, context(45));
      const steps =
        evaluation.status === 'evaluated' ? evaluation.results.flatMap((r) => r.remediation ?? []) : [];
      return [check.id, steps.map((step) => `${step.action} ${step.params.accessKeyId}`)] as const;
    });
    // Assess: keys created in the same second are told apart by the report's slot order.
    expect(plans.filter(([, steps]) => steps.length > 0)).toEqual([
      [
        'posture.access-key-unused',
        ['iam.disable-access-key AKIAFIRSTKEY00000001', 'iam.disable-access-key AKIASECONDKEY0000002'],
      ],
      [
        'posture.access-key-too-old',
        ['iam.disable-access-key AKIAFIRSTKEY00000001', 'iam.disable-access-key AKIASECONDKEY0000002'],
      ],
    ]);
  });
});

describe('posture.access-key-too-old (CIS 1.14, IAM.3)', () => {
  const keys = [
    { accessKeyId: 'AKIAOLDKEY0000000001', status: 'Active', createdAt: daysAgo(120) },
    { accessKeyId: 'AKIANEWKEY0000000002', status: 'Active', createdAt: daysAgo(10) },
  ];
  const s = snapshot({
    users: [user('alice', { keys: [key(1, 120, 1), key(2, 10, 1)] })],
    details: new Map<string, UserDetail>([['alice', { accessKeys: keys }]]),
  });

  it('fails an active key older than the threshold and plans to disable exactly that key', () => {
    // Act
    const violations = failed(accessKeyTooOld.evaluate(s, context(90)));
    // Assess
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({
      accessKeyId: 'AKIAOLDKEY0000000001',
      detail: 'access key AKIAOLDKEY0000000001 created 2024-09-03, 120 days ago (limit 90)',
      remediation: [
        {
          action: 'iam.disable-access-key',
          params: { userName: 'alice', accessKeyId: 'AKIAOLDKEY0000000001' },
        },
      ],
    });
  });

  it('passes both keys when the threshold is above their age', () => {
    expect(failed(accessKeyTooOld.evaluate(s, context(120)))).toEqual([]);
    expect(results(accessKeyTooOld.evaluate(s, context(120)))).toHaveLength(2);
  });

  it('ignores inactive keys', () => {
    // Prepare
    const inactive = snapshot({ users: [user('alice', { keys: [key(1, 500, 1, false), NO_KEY] })] });
    // Act / Assess
    expect(results(accessKeyTooOld.evaluate(inactive, context(90)))).toEqual([]);
  });

  it('raises the finding without a plan when the key id cannot be mapped', () => {
    // Prepare: ListAccessKeys could not be read.
    const unmapped = snapshot({ users: [user('alice', { keys: [key(1, 120, 1), NO_KEY] })] });
    // Act
    const [violation] = failed(accessKeyTooOld.evaluate(unmapped, context(90)));
    // Assess
    expect(violation?.accessKeyId).toBeUndefined();
    expect(violation?.remediation).toEqual([]);
    expect(violation?.detail).toMatch(/^access key in slot 1 /);
  });
});

describe('posture.access-key-unused (CIS 1.12, IAM.22)', () => {
  it('fails a key unused for the threshold or more, and a never-used key created that long ago', () => {
    // Prepare
    const s = snapshot({
      users: [
        user('stale', { keys: [key(1, 300, 45), NO_KEY] }),
        user('never', { keys: [key(1, 46), NO_KEY] }),
        user('fresh', { keys: [key(1, 300, 44), NO_KEY] }),
        user('new', { keys: [key(1, 3), NO_KEY] }),
      ],
    });
    // Act
    const violations = failed(accessKeyUnused.evaluate(s, context(45)));
    // Assess
    expect(violations.map((r) => r.subject.name)).toEqual(['stale', 'never']);
    expect(violations[1]?.detail).toBe(
      'access key in slot 1 never used since created 2024-11-16: idle 46 days (limit 45)',
    );
  });

  it('gives no verdict on a key whose last use is unknown', () => {
    // Prepare
    const s = snapshot({
      users: [user('odd', { keys: [{ ...key(1, 300), lastUsed: { kind: 'unknown', raw: '?' } }, NO_KEY] })],
    });
    // Act / Assess
    expect(results(accessKeyUnused.evaluate(s, context(45)))).toEqual([]);
  });
});

describe('posture.password-unused (CIS 1.12, IAM.22)', () => {
  it('fails a password unused for the threshold, or never used since set that long ago, and passes a recent one', () => {
    // Prepare
    const s = snapshot({
      users: [
        user('idle', { passwordEnabled: true, passwordLastUsed: { kind: 'used', at: daysAgo(60) } }),
        user('never', {
          passwordEnabled: true,
          passwordLastUsed: { kind: 'never' },
          passwordLastChanged: daysAgo(50),
        }),
        user('active', { passwordEnabled: true, passwordLastUsed: { kind: 'used', at: daysAgo(2) } }),
        user('api-only'),
      ],
    });
    // Act
    const evaluation = passwordUnused.evaluate(s, context(45));
    // Assess
    expect(failed(evaluation).map((r) => r.subject.name)).toEqual(['idle', 'never']);
    expect(results(evaluation)).toHaveLength(3);
  });
});

describe('posture.console-user-without-mfa (CIS 1.10, IAM.5)', () => {
  it('fails a console user without MFA and ignores users without a password', () => {
    // Prepare
    const s = snapshot({
      users: [
        user('no-mfa', { passwordEnabled: true, mfaActive: false }),
        user('mfa', { passwordEnabled: true, mfaActive: true }),
        user('api-only', { mfaActive: false }),
      ],
    });
    // Act
    const evaluation = consoleUserWithoutMfa.evaluate(s, context(0));
    // Assess
    expect(failed(evaluation).map((r) => r.subject.name)).toEqual(['no-mfa']);
    expect(results(evaluation)).toHaveLength(2);
  });
});

describe('posture.multiple-active-access-keys (CIS 1.13)', () => {
  it('fails a user with two active keys and passes one with an active and an inactive key', () => {
    // Prepare
    const s = snapshot({
      users: [
        user('two', { keys: [key(1, 10, 1), key(2, 5, 1)] }),
        user('rotated', { keys: [key(1, 10, 1, false), key(2, 5, 1)] }),
      ],
    });
    // Act / Assess
    expect(failed(multipleActiveAccessKeys.evaluate(s, context(0))).map((r) => r.subject.name)).toEqual([
      'two',
    ]);
  });
});

describe('posture.admin-policy-attached-to-user (CIS 1.15/1.16, IAM.2)', () => {
  it('fails a user with an administrator policy attached directly and skips users it could not read', () => {
    // Prepare
    const s = snapshot({
      users: [user('admin'), user('plain'), user('unread'), user('deleted')],
      details: new Map<string, UserDetail>([
        ['admin', { accessKeys: [], adminPolicies: ['AdministratorAccess (managed)', 'all (inline)'] }],
        ['plain', { accessKeys: [], adminPolicies: [] }],
        ['unread', { accessKeys: [] }],
        ['deleted', { gone: true }],
      ]),
    });
    // Act
    const evaluation = adminPolicyAttachedToUser.evaluate(s, context(0));
    // Assess
    expect(results(evaluation).map((r) => [r.subject.name, r.passed])).toEqual([
      ['admin', false],
      ['plain', true],
    ]);
    expect(failed(evaluation)[0]?.remediation).toBeUndefined();
  });
});

describe('posture.root-access-key (CIS 1.4, IAM.4) and posture.root-mfa (CIS 1.5, IAM.9)', () => {
  it('fails root keys and root without MFA from the report root row', () => {
    // Prepare
    const parsed = parseCredentialReport(fixtureText('credential-report.csv'));
    const s = snapshot({ root: parsed.root, accountSummary: { mfaEnabled: true, accessKeysPresent: false } });
    // Act / Assess: the root row wins over the summary.
    expect(failed(rootAccessKey.evaluate(s, context(0)))[0]?.detail).toBe(
      '1 active root access key(s), created 2019-03-01',
    );
    expect(failed(rootMfa.evaluate(s, context(0)))[0]?.detail).toBe(
      'root MFA not enabled (credential report)',
    );
  });

  it('falls back to GetAccountSummary without a root row, and is not evaluated without either', () => {
    // Prepare
    const summary = snapshot({ accountSummary: { mfaEnabled: true, accessKeysPresent: true } });
    const neither = snapshot({ accountSummary: undefined });
    // Act / Assess
    expect(failed(rootAccessKey.evaluate(summary, context(0)))).toHaveLength(1);
    expect(failed(rootMfa.evaluate(summary, context(0)))).toEqual([]);
    expect(rootAccessKey.evaluate(neither, context(0)).status).toBe('not-evaluated');
    expect(rootMfa.evaluate(neither, context(0)).status).toBe('not-evaluated');
  });
});

describe('the password policy checks (CIS 1.8, 1.9; v1.2.0 1.5-1.8, 1.11; IAM.11-17)', () => {
  const checks = [
    [passwordPolicyMinLength, 14],
    [passwordPolicyReusePrevention, 24],
    [passwordPolicyMaxAge, 90],
    [passwordPolicyCharacterClasses, 0],
  ] as const;

  it('passes the CIS baseline policy', () => {
    for (const [check, threshold] of checks) {
      expect(failed(check.evaluate(snapshot(), context(threshold))), check.id).toEqual([]);
    }
  });

  it('fails every facet when the account has no password policy', () => {
    for (const [check, threshold] of checks) {
      const [violation] = failed(check.evaluate(snapshot({ passwordPolicy: null }), context(threshold)));
      expect(violation?.detail, check.id).toBe('the account has no password policy (IAM defaults apply)');
    }
  });

  it('is not evaluated when the policy could not be read', () => {
    for (const [check, threshold] of checks) {
      expect(check.evaluate(snapshot({ passwordPolicy: undefined }), context(threshold)).status).toBe(
        'not-evaluated',
      );
    }
  });

  it('fails each weak facet against the baseline', () => {
    // Prepare
    const weak = snapshot({
      passwordPolicy: {
        ...STRONG_POLICY,
        minimumPasswordLength: 8,
        passwordReusePrevention: 5,
        maxPasswordAge: undefined,
        requireSymbols: false,
      },
    });
    // Act / Assess
    expect(failed(passwordPolicyMinLength.evaluate(weak, context(14)))[0]?.detail).toBe(
      'minimum password length 8 (baseline 14)',
    );
    expect(failed(passwordPolicyReusePrevention.evaluate(weak, context(24)))[0]?.detail).toBe(
      'password reuse prevention 5 (baseline 24)',
    );
    expect(failed(passwordPolicyMaxAge.evaluate(weak, context(90)))[0]?.detail).toBe(
      'passwords never expire (baseline 90 days)',
    );
    expect(failed(passwordPolicyCharacterClasses.evaluate(weak, context(0)))[0]?.detail).toBe(
      'does not require symbols',
    );
  });

  it('uses the configured baseline: a lower length and no symbols pass when that is the baseline', () => {
    // Prepare
    const weak = snapshot({
      passwordPolicy: { ...STRONG_POLICY, minimumPasswordLength: 12, requireSymbols: false },
    });
    // Act / Assess
    expect(failed(passwordPolicyMinLength.evaluate(weak, context(12)))).toEqual([]);
    expect(
      failed(
        passwordPolicyCharacterClasses.evaluate(weak, {
          asOf: AS_OF,
          threshold: 0,
          requiredClasses: ['uppercase'],
        }),
      ),
    ).toEqual([]);
  });
});
