import { describe, expect, it } from 'vitest';
import { detectionContext, NO_CONTEXT } from '../../lambdas/engine/context';
import { ruleMatches } from '../../lambdas/engine/evaluate';
import type { Rule } from '../../lambdas/engine/types';
import { catalog } from '../../lambdas/rules';
import { loadFixture } from './support';

function ruleById(id: string): Rule {
  const rule = catalog.find((r) => r.id === id);
  if (!rule) throw new Error(`no rule ${id}`);
  return rule;
}

/** Each rule that tells outsiders from the organisation, its fixture and the one outside account it names. */
const ACCOUNT_RULES = [
  ['ebs.snapshot-shared', 'shared-with-unknown-account', '098797384747'],
  ['ec2.ami-shared', 'shared-with-unknown-account', '846424999548'],
  ['rds.snapshot-shared', 'shared-with-unknown-account', '503161813013'],
  ['ssm.document-shared-externally', 'shared-with-external-account', '999988887777'],
  ['iam.role-trust-opened', 'update-trust-external-account', '999988887777'],
  ['secretsmanager.resource-policy-opened', 'external-account-role', '999988887777'],
] as const;

/** Fixtures whose outsider is the whole world: trusting accounts must never silence them. */
const PUBLIC_FIXTURES = [
  ['ebs.snapshot-shared', 'made-public'],
  ['ec2.ami-shared', 'made-public'],
  ['rds.snapshot-shared', 'cluster-snapshot-made-public'],
  ['ssm.document-shared-externally', 'shared-with-everyone'],
  ['secretsmanager.resource-policy-opened', 'public-policy'],
] as const;

describe('trusted accounts (context/trusted-accounts)', () => {
  it.each(ACCOUNT_RULES)(
    '%s stays quiet when the only outside account is trusted',
    (id, fixture, account) => {
      // Prepare
      const rule = ruleById(id);
      const event = loadFixture(id, 'positive', fixture);
      const trusting = detectionContext({ trustedAccounts: [account] });
      const trustingOthers = detectionContext({ trustedAccounts: ['123412341234'] });

      // Act / Assess
      expect(ruleMatches(rule, event, NO_CONTEXT)).toBe(true);
      expect(ruleMatches(rule, event, trustingOthers)).toBe(true);
      expect(ruleMatches(rule, event, trusting)).toBe(false);
    },
  );

  it.each(PUBLIC_FIXTURES)(
    '%s still fires on a public share whatever accounts are trusted',
    (id, fixture) => {
      // Prepare
      const rule = ruleById(id);
      const event = loadFixture(id, 'positive', fixture);
      const trustingAll = detectionContext({
        trustedAccounts: ['111122223333', '999988887777', '098797384747'],
      });

      // Act / Assess
      expect(ruleMatches(rule, event, trustingAll)).toBe(true);
    },
  );

  it('names and unshares only the untrusted accounts when a share mixes trusted and unknown ones', () => {
    // Prepare
    const rule = ruleById('ebs.snapshot-shared');
    const event = loadFixture('ebs.snapshot-shared', 'positive', 'shared-with-unknown-account');
    event.requestParameters = {
      snapshotId: 'snap-041993b54a9b3af6f',
      createVolumePermission: { add: { items: [{ userId: '444455556666' }, { userId: '098797384747' }] } },
    };
    const context = detectionContext({ trustedAccounts: ['444455556666'] });

    // Act
    const plan = rule.remediation?.(event, context) ?? [];
    const summary = rule.summarize(event, context);

    // Assess
    expect(plan.map((s) => s.params.sharedWith)).toEqual(['098797384747']);
    expect(summary).toContain('098797384747');
    expect(summary).not.toContain('444455556666');
  });
});

describe('trusted networks (context/trusted-networks)', () => {
  const rule = ruleById('credentials.instance-credentials-used-externally');

  it('stays quiet when instance credentials are used from a trusted NAT address, and fires from any other', () => {
    // Prepare
    const event = loadFixture(rule.id, 'positive', 'describe-instances-from-public-ip');
    const nat = detectionContext({ trustedNetworks: [`${event.sourceIPAddress}/32`] });
    const elsewhere = detectionContext({ trustedNetworks: ['198.51.100.0/24'] });

    // Act / Assess
    expect(ruleMatches(rule, event, nat)).toBe(false);
    expect(ruleMatches(rule, event, elsewhere)).toBe(true);
  });

  it('matches IPv6 sources against IPv6 trusted networks', () => {
    // Prepare
    const event = loadFixture(rule.id, 'positive', 'caller-identity-from-public-ipv6');
    const address = String(event.sourceIPAddress);
    const prefix = `${address.split(':').slice(0, 3).join(':')}::/48`;

    // Act / Assess
    expect(ruleMatches(rule, event, detectionContext({ trustedNetworks: [prefix] }))).toBe(false);
    expect(ruleMatches(rule, event, detectionContext({ trustedNetworks: ['2001:db8::/32'] }))).toBe(true);
  });
});
