import { describe, expect, inject, it } from 'vitest';
import { catalog } from '../../lambdas/rules';
import { runLocalPipeline } from '../../local/run';

describe('npm start pipeline (moto)', () => {
  it('detects, alerts on and contains the bundled attack through the real handlers', async () => {
    // Prepare
    const lines: string[] = [];
    // Act
    const report = await runLocalPipeline(catalog, {
      endpoint: inject('motoEndpoint'),
      region: 'us-east-1',
      accountId: '123456789012',
      name: `tg-e2e-${Math.random().toString(36).slice(2, 8)}`,
      out: (line) => lines.push(line),
    });
    // Assess
    expect(report.failures).toEqual([]);
    expect(report.finalState).toEqual({
      victimKeyStatus: 'Inactive',
      backdoorKeyStatus: 'Inactive',
      quarantined: true,
      trailLogging: true,
    });
    const findings = report.emails.filter((e) => e.attributes.action?.startsWith('detected:'));
    const outcomes = report.emails.filter((e) => e.attributes.action?.startsWith('remediation:'));
    expect(findings.map((e) => e.attributes.ruleId).sort()).toEqual([
      'cloudtrail.logging-stopped',
      'iam.access-key-created-for-another-user',
      'iam.admin-policy-attached',
    ]);
    expect(outcomes.map((e) => e.attributes.action)).toEqual([
      'remediation:acted',
      'remediation:acted',
      'remediation:acted',
    ]);
    // The benign GetCallerIdentity call stayed quiet; every alert reached the SQS subscriber too.
    expect(report.inboxDeliveries).toBe(report.emails.length);
    // The two critical findings also page; the contained outcomes do not.
    expect(report.pagerDeliveries).toBe(2);
    for (const email of report.emails) {
      expect(email.subject.length).toBeLessThan(100);
      expect(email.text).toContain('WHAT HAPPENED');
    }
    expect(lines).toContain(`  trail ${report.resources.trailName} logging: yes`);
  });
});
