import { describe, expect, it } from 'vitest';
import { POSTURE_CHECKS } from '../../lambdas/posture/checks';
import { evaluateChecks } from '../../lambdas/posture/evaluate';
import { postureFindings } from '../../lambdas/posture/findings';
import { buildPostureMessage } from '../../lambdas/posture/notify';
import { renderHtml, renderText } from '../../lambdas/posture/render';
import { buildReport, type PostureReport } from '../../lambdas/posture/report';
import { parsePostureSettings } from '../../lambdas/posture/settings';
import { reportKey } from '../../lambdas/posture/store';
import type { PostureSnapshot } from '../../lambdas/posture/types';
import { AS_OF, key, NO_KEY, snapshot, user } from './support';

function reportOf(s: PostureSnapshot): PostureReport {
  const outcomes = evaluateChecks(s, POSTURE_CHECKS, {
    asOf: AS_OF,
    settings: parsePostureSettings({}, '/tg'),
    modeOf: (id) => {
      const mode = POSTURE_CHECKS.find((c) => c.id === id)?.defaultMode ?? 'alert';
      return { mode, configuredMode: mode };
    },
  });
  return buildReport({
    snapshot: s,
    outcomes,
    findings: postureFindings(s, outcomes, AS_OF),
    evaluatedAt: AS_OF,
    killSwitch: false,
    configProblems: [],
  });
}

describe('renderText', () => {
  it('lists each check with its result, mode, setting and controls, then violations and failing users', () => {
    // Prepare
    const report = reportOf(
      snapshot({ users: [user('alice', { keys: [key(1, 200), NO_KEY] }), user('bob')] }),
    );
    // Act
    const text = renderText(report);
    // Assess
    expect(text).toMatch(
      /posture\.access-key-too-old\s+FAIL \(1\)\s+dry-run\s+90 days\s+CIS v3\.0\.0 1\.14, Security Hub IAM\.3/,
    );
    expect(text).toMatch(/posture\.root-mfa\s+pass\s+alert/);
    expect(text).toContain(
      '    - user alice: access key in slot 1 created 2024-06-15, 200 days ago (limit 90)',
    );
    expect(text).toContain('Failing users (1 of 2)');
    expect(text).not.toMatch(/^\s+bob\s/m);
  });
});

describe('renderHtml', () => {
  it('escapes everything that came from the account', () => {
    // Prepare
    const report = reportOf(snapshot({ gaps: ['<img src=x onerror=alert(1)> "quoted" & more'] }));
    // Act
    const html = renderHtml(report);
    // Assess
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; &quot;quoted&quot; &amp; more');
    expect(html).toMatch(/^<!doctype html>/);
  });
});

describe('buildPostureMessage', () => {
  it('fits an account with thousands of violations under the SNS limit and points to the full report', () => {
    // Prepare: 5,000 users (the IAM quota), each failing two key checks.
    const users = Array.from({ length: 5000 }, (_, i) =>
      user(`service-account-with-a-long-name-${i}`, { keys: [key(1, 400), NO_KEY] }),
    );
    const report = reportOf(snapshot({ users }));
    // Act
    const input = buildPostureMessage(
      'arn:aws:sns:us-east-1:111122223333:alerts',
      report,
      's3://bucket/posture/x.json',
    );
    // Assess
    expect(Buffer.byteLength(input.Message ?? '', 'utf8')).toBeLessThan(256 * 1024);
    const message = JSON.parse(input.Message ?? '{}') as { default: string; email: string };
    expect(message.email).toContain('Full report: s3://bucket/posture/x.json');
    expect(message.email).toMatch(/\.\.\. and \d+ more/);
    expect(JSON.parse(message.default)).toMatchObject({
      type: 'posture-report',
      summary: { violations: 10000 },
    });
    expect(input.Subject?.length).toBeLessThanOrEqual(100);
    expect(input.MessageAttributes?.action?.StringValue).toBe('posture-report');
    // The worst failing check's severity, for subscription filters.
    expect(input.MessageAttributes?.severity?.StringValue).toBe('medium');
  });
});

describe('reportKey', () => {
  it('files reports by account and day', () => {
    const report = reportOf(snapshot());
    expect(reportKey(report, 'json')).toBe('posture/111122223333/2025/01/01/2025-01-01T00-00-00-000Z.json');
  });
});
