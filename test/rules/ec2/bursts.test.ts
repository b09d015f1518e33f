import { describe, expect, it } from 'vitest';
import type { Rule } from '../../../lambdas/engine/types';
import { rule as instanceConnect } from '../../../lambdas/rules/ec2/instance-connect-fan-out';
import { rule as passwordData } from '../../../lambdas/rules/ec2/password-data-burst';
import { rule as userData } from '../../../lambdas/rules/ec2/user-data-download-burst';
import { loadFixture } from '../support';

const cases: Array<[string, Rule, string]> = [
  ['ec2.instance-connect-fan-out', instanceConnect, 'key-pushed-by-role-as-root'],
  ['ec2.password-data-burst', passwordData, 'password-read-denied'],
  ['ec2.user-data-download-burst', userData, 'user-data-read-denied'],
];

describe.each(cases)('%s', (id, rule, fixture) => {
  it('counts per role session, so two sessions of one role are two groups', () => {
    // Prepare
    const first = loadFixture(id, 'positive', fixture);
    const second = structuredClone(first);
    (second.userIdentity as { arn: string }).arn = (first.userIdentity?.arn ?? '').replace(
      /\/[^/]+$/,
      '/other',
    );

    // Assess
    expect(rule.threshold?.groupBy(first)).toBe(first.userIdentity?.arn);
    expect(rule.threshold?.groupBy(second)).not.toBe(rule.threshold?.groupBy(first));
  });

  it('needs a burst, not a single call', () => {
    expect(rule.threshold?.count).toBeGreaterThanOrEqual(3);
    expect(rule.threshold?.windowSeconds).toBe(600);
  });
});

describe('ec2.traffic-mirroring-changed', () => {
  it('says what was done, and what was only attempted', async () => {
    const { rule } = await import('../../../lambdas/rules/ec2/traffic-mirroring-changed');
    const id = 'ec2.traffic-mirroring-changed';
    expect(rule.summarize(loadFixture(id, 'positive', 'mirror-target-deleted'))).toBe(
      'Role app-backend (session i-0a1b2c3d4e5f60718) deleted a VPC traffic mirror target in eu-west-1 from 198.51.100.23.',
    );
    expect(rule.summarize(loadFixture(id, 'positive', 'mirror-session-refused'))).toBe(
      'IAM user alice tried to create a VPC traffic mirror session (refused: Client.NetworkInterfaceNotSupported) in ' +
        'eu-west-1 from 198.51.100.23.',
    );
  });
});
