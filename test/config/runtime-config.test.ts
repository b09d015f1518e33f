import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { ConfigSource } from '../../lambdas/config/config-source';
import { defaultParameters } from '../../lambdas/config/defaults';
import { parseRuntimeConfig } from '../../lambdas/config/runtime-config';
import { ssmParameterFetcher } from '../../lambdas/config/ssm-fetcher';
import type { Rule } from '../../lambdas/engine/types';
import { motoClientConfig } from '../support/aws';

const rule = (id: string, extra: Partial<Rule> = {}): Rule => ({
  id,
  title: id,
  description: id,
  severity: 'high',
  attack: [],
  match: { eventName: ['X'] },
  summarize: () => '',
  defaultMode: 'enforce',
  runbook: 'r',
  falsePositives: [],
  ...extra,
});
const plain = rule('a.plain');
const counted = rule('a.counted', {
  defaultMode: 'alert',
  threshold: { groupByLabel: 'ip', groupBy: () => 'k', count: 5, windowSeconds: 300 },
});
const rules = [plain, counted];

describe('parseRuntimeConfig', () => {
  it('uses each rule default when nothing is configured', () => {
    // Act
    const config = parseRuntimeConfig({}, '/tg', rules);
    // Assess
    expect(config.killSwitch).toBe(false);
    expect(config.rules.get('a.plain')).toEqual({
      mode: 'enforce',
      configuredMode: 'enforce',
      threshold: undefined,
      windowSeconds: undefined,
    });
    expect(config.rules.get('a.counted')).toMatchObject({ mode: 'alert', threshold: 5, windowSeconds: 300 });
    expect(config.problems).toEqual([]);
  });

  it('applies valid overrides for mode, threshold and window', () => {
    // Act
    const config = parseRuntimeConfig(
      {
        'rules/a.plain/mode': 'dry-run',
        'rules/a.counted/threshold': ' 12 ',
        'rules/a.counted/window-seconds': '900',
      },
      '/tg',
      rules,
    );
    // Assess
    expect(config.rules.get('a.plain')?.mode).toBe('dry-run');
    expect(config.rules.get('a.counted')).toMatchObject({ threshold: 12, windowSeconds: 900 });
  });

  it('turns enforce and dry-run into alert when the kill switch is on, keeping the configured mode', () => {
    // Act
    const config = parseRuntimeConfig({ 'kill-switch': 'on', 'rules/a.counted/mode': 'off' }, '/tg', rules);
    // Assess
    expect(config.rules.get('a.plain')).toMatchObject({ mode: 'alert', configuredMode: 'enforce' });
    expect(config.rules.get('a.counted')?.mode).toBe('off');
  });

  it('reports an invalid value naming the parameter and keeps the default', () => {
    // Act
    const config = parseRuntimeConfig(
      { 'rules/a.plain/mode': 'enforced', 'rules/a.counted/threshold': '-3', 'kill-switch': 'yes' },
      '/tg',
      rules,
    );
    // Assess
    expect(config.rules.get('a.plain')?.mode).toBe('enforce');
    expect(config.rules.get('a.counted')?.threshold).toBe(5);
    expect(config.killSwitch).toBe(false);
    expect(config.problems.map((p) => p.parameter).sort()).toEqual([
      '/tg/kill-switch',
      '/tg/rules/a.counted/threshold',
      '/tg/rules/a.plain/mode',
    ]);
    expect(config.problems.find((p) => p.parameter === '/tg/rules/a.plain/mode')).toMatchObject({
      value: 'enforced',
      using: 'enforce',
    });
  });

  it('keeps the last valid value rather than the default when a later value is invalid', () => {
    // Prepare
    const first = parseRuntimeConfig(
      { 'rules/a.plain/mode': 'alert', 'rules/a.counted/threshold': '9' },
      '/tg',
      rules,
    );
    // Act
    const second = parseRuntimeConfig(
      { 'rules/a.plain/mode': 'nope', 'rules/a.counted/threshold': '1e9' },
      '/tg',
      rules,
      first,
    );
    // Assess
    expect(second.rules.get('a.plain')?.mode).toBe('alert');
    expect(second.rules.get('a.counted')?.threshold).toBe(9);
    expect(second.problems).toHaveLength(2);
  });

  it('rejects out-of-range thresholds and windows that would silently disable a detection', () => {
    // Act
    const config = parseRuntimeConfig(
      { 'rules/a.counted/threshold': '0', 'rules/a.counted/window-seconds': '5' },
      '/tg',
      rules,
    );
    // Assess
    expect(config.problems).toHaveLength(2);
    expect(config.rules.get('a.counted')).toMatchObject({ threshold: 5, windowSeconds: 300 });
  });

  it('keeps valid protected principals and reports the invalid entries of the list', () => {
    // Act
    const config = parseRuntimeConfig(
      {
        'protected-principals':
          'arn:aws:iam::111122223333:role/BreakGlass*, not-an-arn ,arn:aws:iam::*:user/ops/*',
      },
      '/tg',
      rules,
    );
    // Assess
    expect(config.protectedPrincipals).toEqual([
      'arn:aws:iam::111122223333:role/BreakGlass*',
      'arn:aws:iam::*:user/ops/*',
    ]);
    expect(config.problems).toHaveLength(1);
    expect(config.problems[0]?.value).toBe('not-an-arn');
  });

  it('reads trusted accounts, trusted networks and per-rule allowed principals, reporting each bad entry', () => {
    // Act
    const config = parseRuntimeConfig(
      {
        'context/trusted-accounts': '111122223333, 12345, 444455556666',
        'context/trusted-networks': '198.51.100.24/32,2001:db8::/32,10.0.0.0/33,not-a-cidr',
        'rules/a.plain/allow-principals': 'arn:aws:iam::111122223333:role/terraform-apply,terraform',
      },
      '/tg',
      rules,
    );
    // Assess
    expect([...config.context.trustedAccounts]).toEqual(['111122223333', '444455556666']);
    expect(config.context.trustedNetworks).toEqual(['198.51.100.24/32', '2001:db8::/32']);
    expect(config.context.isTrustedAddress('198.51.100.24')).toBe(true);
    expect(config.context.isTrustedAddress('198.51.100.25')).toBe(false);
    expect(config.context.isTrustedAddress('2001:db8:1::7')).toBe(true);
    expect(config.rules.get('a.plain')?.allowPrincipals).toEqual([
      'arn:aws:iam::111122223333:role/terraform-apply',
    ]);
    expect(config.rules.get('a.counted')?.allowPrincipals).toBeUndefined();
    expect(config.problems.map((p) => [p.parameter, p.value])).toEqual([
      ['/tg/context/trusted-accounts', '12345'],
      ['/tg/context/trusted-networks', '10.0.0.0/33'],
      ['/tg/context/trusted-networks', 'not-a-cidr'],
      ['/tg/rules/a.plain/allow-principals', 'terraform'],
    ]);
    expect(config.problems[1]?.reason).toMatch(/at most 32 bits/);
  });

  it('trusts nothing when no context is configured', () => {
    // Act
    const { context } = parseRuntimeConfig({}, '/tg', rules);
    // Assess
    expect(context.trustedAccounts.size).toBe(0);
    expect(context.isTrustedAddress('198.51.100.24')).toBe(false);
  });
});

describe('ConfigSource', () => {
  it('caches for maxAge and refetches after it', async () => {
    // Prepare
    let calls = 0;
    let now = 0;
    const source = new ConfigSource({
      prefix: '/tg',
      rules,
      maxAgeSeconds: 60,
      now: () => now,
      fetch: async () => {
        calls += 1;
        return { 'rules/a.plain/mode': calls === 1 ? 'alert' : 'dry-run' };
      },
    });
    // Act
    const a = await source.get();
    now = 30_000;
    const b = await source.get();
    now = 61_000;
    const c = await source.get();
    // Assess
    expect([a, b, c].map((x) => x.rules.get('a.plain')?.mode)).toEqual(['alert', 'alert', 'dry-run']);
    expect(calls).toBe(2);
  });

  it('keeps the last configuration when SSM cannot be read, and uses defaults before the first read', async () => {
    // Prepare
    let fail = true;
    const errors: unknown[] = [];
    const source = new ConfigSource({
      prefix: '/tg',
      rules,
      maxAgeSeconds: 0,
      onFetchError: (e) => errors.push(e),
      fetch: async () => {
        if (fail) throw new Error('AccessDenied');
        return { 'rules/a.plain/mode': 'alert' };
      },
    });
    // Act
    const before = await source.get();
    fail = false;
    const good = await source.get();
    fail = true;
    const after = await source.get();
    // Assess
    expect(before.rules.get('a.plain')?.mode).toBe('enforce');
    expect(good.rules.get('a.plain')?.mode).toBe('alert');
    expect(after.rules.get('a.plain')?.mode).toBe('alert');
    expect(errors).toHaveLength(2);
  });
});

/** The parameters a deployment starts with, under a fresh prefix in moto, and a source that never caches. */
async function deployedParameters() {
  const ssm = new SSMClient(motoClientConfig());
  const prefix = `/tg-${Math.random().toString(36).slice(2, 8)}`;
  for (const p of defaultParameters(prefix, rules, 'arn:aws:iam::123456789012:root')) {
    await ssm.send(new PutParameterCommand({ Name: p.name, Value: p.value, Type: p.type }));
  }
  const source = new ConfigSource({
    prefix,
    rules,
    maxAgeSeconds: 0,
    fetch: ssmParameterFetcher(ssm, prefix),
  });
  return { ssm, prefix, source };
}

describe('SSM-backed configuration (moto)', () => {
  it('reads the parameters the stack creates and a tuned value without redeploying', async () => {
    // Prepare
    const { ssm, prefix, source } = await deployedParameters();
    // Act
    const initial = await source.get();
    await ssm.send(
      new PutParameterCommand({
        Name: `${prefix}/rules/a.counted/threshold`,
        Value: '7',
        Type: 'String',
        Overwrite: true,
      }),
    );
    await ssm.send(
      new PutParameterCommand({
        Name: `${prefix}/kill-switch`,
        Value: 'on',
        Type: 'String',
        Overwrite: true,
      }),
    );
    const tuned = await source.get();
    // Assess
    expect(initial.problems).toEqual([]);
    expect(initial.protectedPrincipals).toEqual(['arn:aws:iam::123456789012:root']);
    expect(initial.rules.get('a.plain')?.mode).toBe('enforce');
    expect(tuned.rules.get('a.counted')?.threshold).toBe(7);
    expect(tuned.killSwitch).toBe(true);
    expect(tuned.rules.get('a.plain')?.mode).toBe('alert');
  });

  it('reads StringList context and allowlists an operator adds after deployment', async () => {
    // Prepare
    const { ssm, prefix, source } = await deployedParameters();
    const put = (name: string, value: string) =>
      ssm.send(new PutParameterCommand({ Name: `${prefix}/${name}`, Value: value, Type: 'StringList' }));
    // Act
    await put('context/trusted-accounts', '111122223333,444455556666');
    await put('context/trusted-networks', '198.51.100.24/32');
    await put('rules/a.plain/allow-principals', 'arn:aws:iam::*:role/terraform-*');
    const config = await source.get();
    // Assess
    expect(config.problems).toEqual([]);
    expect([...config.context.trustedAccounts]).toEqual(['111122223333', '444455556666']);
    expect(config.context.isTrustedAddress('198.51.100.24')).toBe(true);
    expect(config.rules.get('a.plain')?.allowPrincipals).toEqual(['arn:aws:iam::*:role/terraform-*']);
  });
});
