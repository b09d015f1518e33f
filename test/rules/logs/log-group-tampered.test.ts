import { describe, expect, it } from 'vitest';
import { rule, tampersWithLogGroup } from '../../../lambdas/rules/logs/log-group-tampered';
import { loadFixture } from '../support';

const ID = 'logs.log-group-tampered';

describe('logs.log-group-tampered', () => {
  it.each([
    [1, true],
    ['1', true],
    [3, false],
    [null, false],
  ])('with retention %j counts: %s', (days, expected) => {
    const event = loadFixture(ID, 'positive', 'retention-one-day');
    event.requestParameters = { logGroupName: '/acme/audit', retentionInDays: days };
    expect(tampersWithLogGroup(event)).toBe(expected);
  });

  it('summarizes a subscription filter removal', () => {
    expect(rule.summarize(loadFixture(ID, 'positive', 'subscription-filter-removed'))).toBe(
      'Role PlatformOps (session maria.gomez) removed subscription filter "to-siem" from log group "/aws/vpc/flow-logs", ' +
        'so its logs are no longer forwarded in eu-west-1 from 198.51.100.23.',
    );
  });
});
