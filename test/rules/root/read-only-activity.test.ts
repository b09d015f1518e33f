import { describe, expect, it } from 'vitest';
import { rule as accountUsed } from '../../../lambdas/rules/root/account-used';
import { rule } from '../../../lambdas/rules/root/read-only-activity';
import { allFixtures, counts, loadFixture } from '../support';

const ID = 'root.read-only-activity';

describe('root.read-only-activity', () => {
  it('counts a read-only root console call when it was denied, as root.account-used counts failed writes', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'read-only-list-access-keys');
    event.errorCode = 'AccessDenied';

    // Act
    const verdict = counts(rule, event);

    // Assess
    expect(verdict).toBe(true);
  });

  it('leaves a read-only call signed with a root access key to root.account-used (high)', () => {
    // Prepare: root should have no access keys; a long-term key (AKIA...) in use is not console browsing.
    const event = loadFixture(ID, 'negative', 'read-only-call-with-root-access-key');

    // Act
    const verdicts = [counts(rule, event), counts(accountUsed, event)];

    // Assess
    expect(event.userIdentity?.accessKeyId).toMatch(/^AKIA/);
    expect(event.readOnly).toBe(true);
    expect(verdicts).toEqual([false, true]);
  });

  it('does not count a root call when the record has no readOnly field', () => {
    // Prepare: absent means not read-only, so root.account-used reports it.
    const event = loadFixture(ID, 'positive', 'read-only-list-access-keys');
    delete event.readOnly;

    // Act
    const verdicts = [counts(rule, event), counts(accountUsed, event)];

    // Assess
    expect(verdicts).toEqual([false, true]);
  });

  it('does not count a read-only root call when CloudTrail records it as an AWS service event', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'read-only-list-access-keys');
    event.eventType = 'AwsServiceEvent';

    // Act
    const verdict = counts(rule, event);

    // Assess
    expect(verdict).toBe(false);
  });

  it('raises on exactly the root fixtures that root.account-used leaves out because they are read-only', () => {
    // Prepare: every fixture of both root activity rules.
    const events = allFixtures().filter((f) => f.ruleId === ID || f.ruleId === accountUsed.id);

    // Act
    const verdicts = events.map((f) => ({
      name: `${f.ruleId}/${f.kind}/${f.name}`,
      readOnly: f.event.readOnly === true,
      rootKey: /^AKIA/.test(String(f.event.userIdentity?.accessKeyId)),
      high: counts(accountUsed, f.event),
      medium: counts(rule, f.event),
    }));

    // Assess: never both; the medium rule only where the event is read-only and not signed with a root key.
    for (const v of verdicts) {
      expect(v.high && v.medium, v.name).toBe(false);
      if (v.medium) expect(v.readOnly && !v.rootKey, v.name).toBe(true);
      if (v.readOnly && !v.rootKey) expect(v.high, v.name).toBe(false);
    }
    expect(verdicts.filter((v) => v.medium).length).toBeGreaterThanOrEqual(2);
  });

  it('summarizes the call, region and source like root.account-used', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'read-only-list-access-keys');

    // Act
    const summary = rule.summarize(event);

    // Assess
    expect(summary).toBe(
      'The root user in account 111122223333 called iam.amazonaws.com:ListAccessKeys in us-east-1 from 203.0.113.77.',
    );
  });

  it('plans nothing and does not claim Panther AWS.Root.Activity when it raises on a read-only root call', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'get-account-authorization-details');

    // Act
    const plan = rule.remediation?.(event);

    // Assess: Panther expects no alert on read-only root calls, so the rule does not claim its coverage.
    expect(plan).toEqual([]);
    expect(rule.severity).toBe('medium');
    expect(rule.defaultMode).toBe('alert');
    expect(rule.references?.panther ?? []).not.toContain('AWS.Root.Activity');
  });
});
