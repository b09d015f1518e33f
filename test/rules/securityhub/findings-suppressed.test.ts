import { describe, expect, it } from 'vitest';
import { rule, suppressesFindings } from '../../../lambdas/rules/securityhub/findings-suppressed';
import { loadFixture } from '../support';

const ID = 'securityhub.findings-suppressed';

describe('securityhub.findings-suppressed', () => {
  it('counts a batch of automation rule updates when one of them suppresses', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'automation-rule-suppresses');
    const batch = {
      ...event,
      eventName: 'BatchUpdateAutomationRules',
      requestParameters: {
        UpdateAutomationRulesRequestItems: [
          { RuleArn: 'arn:1', Actions: [{ FindingFieldsUpdate: { Severity: { Label: 'LOW' } } }] },
          { RuleArn: 'arn:2', Actions: [{ FindingFieldsUpdate: { Workflow: { Status: 'suppressed' } } }] },
        ],
      },
    };

    // Assess
    expect(suppressesFindings(batch)).toBe(true);
  });

  it('does not count a legacy update that only adds a note', () => {
    const event = loadFixture(ID, 'positive', 'legacy-findings-archived');
    event.requestParameters = { Filters: {}, Note: { Text: 'seen', UpdatedBy: 'ops' } };
    expect(suppressesFindings(event)).toBe(false);
  });

  it('summarizes how many findings were suppressed', () => {
    expect(rule.summarize(loadFixture(ID, 'positive', 'findings-suppressed'))).toBe(
      'Role app-backend (session i-0a1b2c3d4e5f60718) suppressed 1 Security Hub finding in eu-west-1 from 198.51.100.23.',
    );
  });
});
