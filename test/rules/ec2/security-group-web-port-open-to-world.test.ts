import { describe, expect, it } from 'vitest';
import { rule as openToWorld } from '../../../lambdas/rules/ec2/security-group-open-to-world';
import { rule } from '../../../lambdas/rules/ec2/security-group-web-port-open-to-world';
import { counts, loadFixture } from '../support';

const ID = 'ec2.security-group-web-port-open-to-world';

describe('ec2.security-group-web-port-open-to-world', () => {
  it('counts a world-open rule when it covers only tcp 443, in the request and response shapes', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'https-open-to-ipv4-world');
    const requestOnly = loadFixture(ID, 'positive', 'https-open-to-ipv4-world');
    requestOnly.responseElements = null;
    const responseOnly = loadFixture(ID, 'positive', 'https-open-to-ipv4-world');
    responseOnly.requestParameters = { groupId: 'sg-0b7e4c2a9d1f3e586' };

    // Act
    const verdicts = [event, requestOnly, responseOnly].map((e) => counts(rule, e));

    // Assess
    expect(verdicts).toEqual([true, true, true]);
    expect(counts(openToWorld, event)).toBe(false);
  });

  it('counts the flat request shape when the CLI opens tcp 80 with --cidr', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'flat-cidr-http');

    // Act
    const summary = rule.summarize(event);

    // Assess
    expect(counts(rule, event)).toBe(true);
    expect(summary).toBe(
      'Role PlatformOperators (session jmiller) opened security group "sg-07e2b4d19c6a0f3e5" to the internet on a ' +
        'web port (0.0.0.0/0 on tcp port 80) from 198.51.100.23.',
    );
  });

  it('does not count a world-open rule when it reaches other ports, protocols or transports', () => {
    // Prepare
    const events = [
      'ssh-open-to-ipv4-world',
      'all-traffic-open-to-ipv6-world',
      'port-range-including-web-ports',
      'udp-443-open-to-ipv6-world',
    ].map((name) => loadFixture(ID, 'negative', name));

    // Act
    const verdicts = events.map((e) => [counts(rule, e), counts(openToWorld, e)]);

    // Assess: the high rule reports every one of them.
    expect(verdicts).toEqual(events.map(() => [false, true]));
  });

  it('names only the web permissions when one call opens 443 and 22, and both rules raise', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'ssh-and-https-open-to-world');

    // Act
    const summary = rule.summarize(event);

    // Assess
    expect([counts(rule, event), counts(openToWorld, event)]).toEqual([true, true]);
    expect(summary).toContain('(0.0.0.0/0 on tcp port 443)');
    expect(summary).not.toContain('port 22');
  });

  it('reports each web permission once when request and response both describe it', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'http-and-https-open-to-ipv4-and-ipv6-world');

    // Act
    const summary = rule.summarize(event);

    // Assess
    expect(summary).toContain(
      '(0.0.0.0/0 on tcp port 80, ::/0 on tcp port 80, 0.0.0.0/0 on tcp port 443 and 1 more)',
    );
  });

  it('plans nothing and alerts at low severity when it raises', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'https-open-to-ipv4-world');

    // Act
    const plan = rule.remediation?.(event);

    // Assess
    expect(plan).toEqual([]);
    expect(rule.severity).toBe('low');
    expect(rule.defaultMode).toBe('alert');
  });
});
