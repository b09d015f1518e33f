import { describe, expect, it } from 'vitest';
import {
  isWebPortOnly,
  isWorldCidr,
  rule,
  worldIngress,
} from '../../../lambdas/rules/ec2/security-group-open-to-world';
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

  it('does not count a world-open permission when it covers only tcp 80 or 443, over IPv4 and IPv6', () => {
    // Prepare
    const https = loadFixture(ID, 'negative', 'https-open-to-ipv4-world');
    const web = loadFixture(ID, 'negative', 'http-and-https-open-to-ipv4-and-ipv6-world');

    // Act
    const verdicts = [counts(rule, https), counts(rule, web)];

    // Assess: ec2.security-group-web-port-open-to-world reports them.
    expect(worldIngress(web)).toHaveLength(4);
    expect(verdicts).toEqual([false, false]);
  });

  it('counts a world-open permission when its range, protocol or transport reaches beyond tcp 80/443', () => {
    // Prepare
    const range = loadFixture(ID, 'positive', 'port-range-including-web-ports');
    const udp = loadFixture(ID, 'positive', 'udp-443-open-to-ipv6-world');
    const all = loadFixture(ID, 'positive', 'all-traffic-open-to-ipv6-world');
    const httpToHttps = loadFixture(ID, 'negative', 'https-open-to-ipv4-world');
    httpToHttps.requestParameters = {
      groupId: 'sg-0b7e4c2a9d1f3e586',
      ipProtocol: 'tcp',
      fromPort: 80,
      toPort: 443,
      cidrIp: '0.0.0.0/0',
    };
    httpToHttps.responseElements = null;

    // Act
    const verdicts = [range, udp, all, httpToHttps].map((event) => counts(rule, event));

    // Assess
    expect(verdicts).toEqual([true, true, true, true]);
  });

  it('treats a permission as web-only when it is tcp (by name or number 6) on exactly port 80 or 443', () => {
    // Assess
    expect(isWebPortOnly({ cidr: '0.0.0.0/0', protocol: 'tcp', fromPort: 443, toPort: 443 })).toBe(true);
    expect(isWebPortOnly({ cidr: '::/0', protocol: '6', fromPort: 80, toPort: 80 })).toBe(true);
    expect(isWebPortOnly({ cidr: '0.0.0.0/0', protocol: 'tcp', fromPort: 80, toPort: 443 })).toBe(false);
    expect(isWebPortOnly({ cidr: '0.0.0.0/0', protocol: 'tcp', fromPort: 443 })).toBe(false);
    expect(isWebPortOnly({ cidr: '0.0.0.0/0', protocol: 'tcp' })).toBe(false);
    expect(isWebPortOnly({ cidr: '0.0.0.0/0', protocol: 'udp', fromPort: 443, toPort: 443 })).toBe(false);
    expect(isWebPortOnly({ cidr: '0.0.0.0/0', protocol: '-1' })).toBe(false);
  });

  it('names and revokes only the non-web permissions when one call opens 443 and 22', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'ssh-and-https-open-to-world');

    // Act
    const summary = rule.summarize(event);
    const plan = rule.remediation?.(event);

    // Assess
    expect(counts(rule, event)).toBe(true);
    expect(summary).toContain('(0.0.0.0/0 on tcp port 22)');
    expect(summary).not.toContain('443');
    expect(plan?.map((s) => [s.action, s.params])).toEqual([
      [
        'ec2.revoke-security-group-ingress',
        { groupId: 'sg-0e1f2a3b4c5d6e7f8', ruleId: 'sgr-0f9e8d7c6b5a4f3e2', region: 'eu-west-1' },
      ],
    ]);
  });

  it('plans no revocation when every world-open rule the call created is on tcp 80/443', () => {
    // Prepare
    const event = loadFixture(ID, 'negative', 'http-and-https-open-to-ipv4-and-ipv6-world');

    // Act
    const plan = rule.remediation?.(event);

    // Assess
    expect(plan).toEqual([]);
  });
});
