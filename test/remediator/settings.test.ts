import { describe, expect, it } from 'vitest';
import { parseRuntimeConfig } from '../../lambdas/config/runtime-config';
import { ACTION_IDS } from '../../lambdas/engine/types';

describe('remediation settings (SSM)', () => {
  it('defaults to 10 actions an hour, every reversible action on and delete-login-profile off', () => {
    // Act
    const config = parseRuntimeConfig({}, '/tg', []);
    // Assess
    expect(config.remediation.maxActionsPerHour).toBe(10);
    expect([...config.remediation.enabledActions.keys()].sort()).toEqual([...ACTION_IDS].sort());
    expect(config.remediation.enabledActions.get('iam.delete-login-profile')).toBe(false);
    expect(config.remediation.enabledActions.get('iam.disable-access-key')).toBe(true);
  });

  it('reads the limit and the switches, and keeps the last valid value when one is invalid', () => {
    // Prepare
    const first = parseRuntimeConfig(
      {
        'remediation/max-actions-per-hour': '3',
        'remediation/actions/iam.delete-login-profile/enabled': 'on',
        'remediation/actions/ec2.unshare-image/enabled': 'off',
      },
      '/tg',
      [],
    );
    // Act
    const next = parseRuntimeConfig(
      {
        'remediation/max-actions-per-hour': '0',
        'remediation/actions/iam.delete-login-profile/enabled': 'yes please',
      },
      '/tg',
      [],
      first,
    );
    // Assess
    expect(first.remediation.maxActionsPerHour).toBe(3);
    expect(first.remediation.enabledActions.get('iam.delete-login-profile')).toBe(true);
    expect(first.remediation.enabledActions.get('ec2.unshare-image')).toBe(false);
    expect(next.remediation.maxActionsPerHour).toBe(3);
    expect(next.remediation.enabledActions.get('iam.delete-login-profile')).toBe(true);
    expect(next.problems.map((p) => p.parameter).sort()).toEqual([
      '/tg/remediation/actions/iam.delete-login-profile/enabled',
      '/tg/remediation/max-actions-per-hour',
    ]);
  });
});
