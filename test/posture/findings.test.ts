import { describe, expect, it } from 'vitest';
import type { RuleMode } from '../../lambdas/engine/types';
import { parseBusMessage } from '../../lambdas/findings/bus-message';
import { POSTURE_CHECKS } from '../../lambdas/posture/checks';
import { evaluateChecks } from '../../lambdas/posture/evaluate';
import { postureFindings } from '../../lambdas/posture/findings';
import { buildReport } from '../../lambdas/posture/report';
import { parsePostureSettings } from '../../lambdas/posture/settings';
import type { PostureCheck, PostureSnapshot, UserDetail } from '../../lambdas/posture/types';
import { DETAIL_TYPE, FINDING_SOURCE } from '../../lambdas/shared/contract';
import { AS_OF, daysAgo, key, NO_KEY, snapshot, user } from './support';

const settings = parsePostureSettings({}, '/tg');
const modes =
  (overrides: Record<string, RuleMode> = {}) =>
  (id: string) => {
    const mode = overrides[id] ?? POSTURE_CHECKS.find((c) => c.id === id)?.defaultMode ?? 'alert';
    return { mode, configuredMode: mode };
  };

/** alice: an old, unused key; bob: console password without MFA; a weak account password policy. */
function seeded(keyId = 'AKIAALICEKEY00000001'): PostureSnapshot {
  return snapshot({
    users: [
      user('alice', { keys: [key(1, 200), NO_KEY] }),
      user('bob', { passwordEnabled: true, passwordLastUsed: { kind: 'used', at: daysAgo(1) } }),
    ],
    details: new Map<string, UserDetail>([
      [
        'alice',
        {
          accessKeys: [{ accessKeyId: keyId, status: 'Active', createdAt: daysAgo(200) }],
          adminPolicies: [],
        },
      ],
      ['bob', { accessKeys: [], adminPolicies: [] }],
    ]),
    passwordPolicy: null,
  });
}

function findingsOf(s: PostureSnapshot, modeOverrides: Record<string, RuleMode> = {}, detectedAt = AS_OF) {
  const outcomes = evaluateChecks(s, POSTURE_CHECKS, { asOf: AS_OF, settings, modeOf: modes(modeOverrides) });
  return { outcomes, findings: postureFindings(s, outcomes, detectedAt) };
}

describe('postureFindings', () => {
  it('raises exactly one finding per violation, each a valid finding on the bus', () => {
    // Act
    const { findings } = findingsOf(seeded());
    // Assess
    expect(
      findings
        .map((f) => `${f.finding.ruleId} ${f.finding.principal.identityName ?? f.finding.principal.type}`)
        .sort(),
    ).toEqual([
      'posture.access-key-too-old alice',
      'posture.access-key-unused alice',
      'posture.console-user-without-mfa bob',
      'posture.password-policy-character-classes Account',
      'posture.password-policy-max-age Account',
      'posture.password-policy-min-length Account',
      'posture.password-policy-reuse-prevention Account',
    ]);
    for (const { finding } of findings) {
      const message = parseBusMessage(
        JSON.stringify({ source: FINDING_SOURCE, 'detail-type': DETAIL_TYPE.finding, detail: finding }),
        'test',
      );
      expect(message.type).toBe('finding');
    }
  });

  it('names the user, the key and the plan, and dates the finding at the credential report', () => {
    // Act
    const { findings } = findingsOf(seeded());
    const unused = findings.find((f) => f.finding.ruleId === 'posture.access-key-unused')?.finding;
    // Assess
    expect(unused).toMatchObject({
      severity: 'medium',
      mode: 'enforce',
      eventTime: AS_OF.toISOString(),
      eventIds: [],
      evidence: [],
      account: '111122223333',
      principal: {
        type: 'IAMUser',
        arn: 'arn:aws:iam::111122223333:user/alice',
        identityType: 'user',
        identityName: 'alice',
        accessKeyId: 'AKIAALICEKEY00000001',
      },
      remediation: [
        {
          action: 'iam.disable-access-key',
          params: { userName: 'alice', accessKeyId: 'AKIAALICEKEY00000001' },
        },
      ],
      compliance: [
        { framework: 'cis-v3.0.0', id: '1.12' },
        { framework: 'security-hub', id: 'IAM.22' },
      ],
    });
    expect(unused?.summary).toContain('IAM user alice: access key AKIAALICEKEY00000001 never used');
  });

  it('gives an unchanged violation the same id on the next day, so it is not alerted or decided again', () => {
    // Act
    const ids = (detectedAt: Date) =>
      findingsOf(seeded(), {}, detectedAt)
        .findings.filter((f) => f.finding.mode !== 'enforce')
        .map((f) => f.finding.id);
    // Assess
    expect(ids(new Date(AS_OF.getTime() + 86_400_000))).toEqual(ids(AS_OF));
  });

  it('retries an enforce-mode violation daily: a new id each day until the key is disabled', () => {
    // Act
    const id = (detectedAt: Date) =>
      findingsOf(seeded(), {}, detectedAt).findings.find(
        (f) => f.finding.ruleId === 'posture.access-key-unused',
      )?.finding.id;
    // Assess
    expect(id(AS_OF)).toBe(id(new Date(AS_OF.getTime() + 3_600_000)));
    expect(id(new Date(AS_OF.getTime() + 86_400_000))).not.toBe(id(AS_OF));
  });

  it('gives a new id to a new key and to a changed mode, so they are alerted and decided afresh', () => {
    // Act
    const id = (s: PostureSnapshot, overrides: Record<string, RuleMode> = {}) =>
      findingsOf(s, overrides).findings.find((f) => f.finding.ruleId === 'posture.access-key-unused')?.finding
        .id;
    // Assess
    expect(id(seeded('AKIAOTHERKEY00000002'))).not.toBe(id(seeded()));
    expect(id(seeded(), { 'posture.access-key-unused': 'dry-run' })).not.toBe(id(seeded()));
  });

  it('raises nothing for a check whose mode is off, and reports it as off', () => {
    // Act
    const { outcomes, findings } = findingsOf(seeded(), { 'posture.console-user-without-mfa': 'off' });
    // Assess
    expect(findings.some((f) => f.finding.ruleId === 'posture.console-user-without-mfa')).toBe(false);
    expect(outcomes.find((o) => o.check.id === 'posture.console-user-without-mfa')?.status).toBe('off');
  });
});

describe('evaluateChecks', () => {
  it('reports a check that throws as not evaluated, never as passed', () => {
    // Prepare
    const broken: PostureCheck = {
      ...POSTURE_CHECKS[0],
      id: 'posture.broken',
      evaluate: () => {
        throw new Error('boom');
      },
    } as PostureCheck;
    // Act
    const [outcome] = evaluateChecks(snapshot(), [broken], { asOf: AS_OF, settings, modeOf: modes() });
    // Assess
    expect(outcome).toMatchObject({ status: 'not-evaluated', reason: 'the check failed: boom', results: [] });
  });
});

describe('buildReport', () => {
  it('gives pass/fail per check, per control and per user, and links each violation to its finding', () => {
    // Prepare
    const s = seeded();
    const { outcomes, findings } = findingsOf(s, { 'posture.password-unused': 'off' });
    // Act
    const report = buildReport({
      snapshot: s,
      outcomes,
      findings,
      evaluatedAt: AS_OF,
      killSwitch: false,
      configProblems: [],
    });
    // Assess
    expect(report.summary).toMatchObject({
      checks: 12,
      failed: 7,
      off: 1,
      violations: 7,
      users: 2,
      usersFailing: 2,
    });
    const control = (label: string) => report.controls.find((c) => c.label === label);
    expect(control('CIS v3.0.0 1.14')).toMatchObject({
      status: 'fail',
      checks: ['posture.access-key-too-old'],
    });
    expect(control('CIS v3.0.0 1.4')?.status).toBe('pass');
    // 1.12 is covered by two checks; one is off, the other fails: the control fails.
    expect(control('CIS v3.0.0 1.12')?.status).toBe('fail');
    expect(control('CIS v3.0.0 1.13')?.status).toBe('pass');
    expect(report.controls.map((c) => c.label).slice(0, 3)).toEqual([
      'CIS v3.0.0 1.4',
      'CIS v3.0.0 1.5',
      'CIS v3.0.0 1.8',
    ]);
    expect(report.users).toEqual([
      expect.objectContaining({
        userName: 'alice',
        status: 'fail',
        failed: ['posture.access-key-unused', 'posture.access-key-too-old'],
      }),
      expect.objectContaining({
        userName: 'bob',
        status: 'fail',
        failed: ['posture.console-user-without-mfa'],
      }),
    ]);
    const violation = report.checks.find((c) => c.id === 'posture.access-key-too-old')?.violations[0];
    expect(violation?.findingId).toBe(
      findings.find((f) => f.finding.ruleId === 'posture.access-key-too-old')?.finding.id,
    );
    expect(violation?.plan).toEqual(['Deactivate access key AKIAALICEKEY00000001 of IAM user alice']);
  });

  it('marks a control not evaluated when its only check could not run', () => {
    // Prepare
    const s = snapshot({ accountSummary: undefined });
    const { outcomes } = findingsOf(s);
    // Act
    const report = buildReport({
      snapshot: s,
      outcomes,
      findings: [],
      evaluatedAt: AS_OF,
      killSwitch: false,
      configProblems: [],
    });
    // Assess
    expect(report.controls.find((c) => c.label === 'Security Hub IAM.9')?.status).toBe('not-evaluated');
  });
});
