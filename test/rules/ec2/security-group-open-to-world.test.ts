import { describe, expect, it } from 'vitest';
import { isWorldCidr, rule, worldIngress } from '../../../lambdas/rules/ec2/security-group-open-to-world';
import { counts, loadFixture } from '../support';

const ID = 'ec2.security-group-open-to-world';

describe('isWorldCidr', () => {
  it.each(['0.0.0.0/0', '::/0', ' 0.0.0.0/0 ', '10.1.2.3/0', '0.0.0.0/00'])(
    'treats %s as every address',
    (cidr) => {
      expect(isWorldCidr(cidr)).toBe(true);
    },
  );

  it.each(['0.0.0.0/1', '203.0.113.0/24', '::/8', '0.0.0.0', '', 'sg-0123', 0])(
    'does not treat %s as every address',
    (cidr) => {
      expect(isWorldCidr(cidr)).toBe(false);
    },
  );
});

describe('ec2.security-group-open-to-world', () => {
  it('reads the flat request shape the CLI and Stratus send (an address with prefix length 0)', () => {
    // Prepare: the shape of the Stratus detonation, whose anonymiser kept /0 but changed the address.
    const event = loadFixture(ID, 'positive', 'flat-cidr-rdp');
    event.requestParameters = {
      groupId: 'sg-003dc7f1f1c686164',
      ipPermissions: {},
      ipProtocol: 'tcp',
      fromPort: 22,
      toPort: 22,
      cidrIp: '208.236.235.254/0',
    };
    event.responseElements = null;

    // Act / Assess
    expect(worldIngress(event)).toEqual([
      { cidr: '208.236.235.254/0', protocol: 'tcp', fromPort: 22, toPort: 22 },
    ]);
    expect(counts(rule, event)).toBe(true);
  });

  it('counts a rule that only the response shows as open', () => {
    const event = loadFixture(ID, 'positive', 'ssh-open-to-ipv4-world');
    event.requestParameters = { groupId: 'sg-0a3f5c2e9b81d7f46' };
    expect(counts(rule, event)).toBe(true);
  });

  it('ignores egress rules in the response', () => {
    const event = loadFixture(ID, 'negative', 'egress-open-to-world');
    event.eventName = 'AuthorizeSecurityGroupIngress';
    event.requestParameters = { groupId: 'sg-0a3f5c2e9b81d7f46' };
    expect(worldIngress(event)).toEqual([]);
  });

  it('reports each open rule once although request and response both describe it', () => {
    expect(rule.summarize(loadFixture(ID, 'positive', 'ssh-open-to-ipv4-world'))).toBe(
      'IAM user alice opened security group "sg-0a3f5c2e9b81d7f46" to the internet (0.0.0.0/0 on tcp port 22) from 198.51.100.23.',
    );
    expect(rule.summarize(loadFixture(ID, 'positive', 'all-traffic-open-to-ipv6-world'))).toContain(
      '(::/0 on all traffic)',
    );
  });

  it('plans revoking exactly the world-open rule by its id, and defaults to alert', () => {
    const plan = rule.remediation?.(loadFixture(ID, 'positive', 'ssh-open-to-ipv4-world'));
    expect(plan?.map((s) => [s.action, s.params])).toEqual([
      [
        'ec2.revoke-security-group-ingress',
        { groupId: 'sg-0a3f5c2e9b81d7f46', ruleId: 'sgr-04d6e1f7a2b3c9d80', region: 'eu-west-1' },
      ],
    ]);
    expect(plan?.[0]?.description).toContain('0.0.0.0/0 on tcp port 22');
    expect(rule.defaultMode).toBe('alert');
  });

  it('plans nothing when the event does not carry the created rule ids', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'ssh-open-to-ipv4-world');
    event.responseElements = { _return: true };
    // Assess
    expect(rule.remediation?.(event)).toEqual([]);
  });
});
