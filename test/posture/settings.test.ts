import { describe, expect, it } from 'vitest';
import { parseRuntimeConfig } from '../../lambdas/config/runtime-config';
import { RULE_MODES } from '../../lambdas/engine/types';
import { POSTURE_CHECKS } from '../../lambdas/posture/checks';
import {
  POSTURE_CONFIG_ENTRIES,
  parsePostureSettings,
  postureParameters,
} from '../../lambdas/posture/settings';

const PREFIX = '/tg';

describe('parsePostureSettings', () => {
  it('uses the CIS defaults when SSM says nothing', () => {
    // Act
    const settings = parsePostureSettings({}, PREFIX);
    // Assess
    expect(Object.fromEntries(settings.thresholds)).toEqual({
      'posture.password-policy-min-length': 14,
      'posture.password-policy-reuse-prevention': 24,
      'posture.access-key-unused': 45,
      'posture.password-unused': 45,
      'posture.access-key-too-old': 90,
      'posture.password-policy-max-age': 90,
    });
    expect(settings.requiredClasses).toEqual(['uppercase', 'lowercase', 'numbers', 'symbols']);
    expect(settings.problems).toEqual([]);
  });

  it('takes valid thresholds and baseline from SSM', () => {
    // Act
    const settings = parsePostureSettings(
      {
        'rules/posture.access-key-too-old/threshold': '30',
        'rules/posture.password-policy-character-classes/required-classes': 'uppercase, numbers',
      },
      PREFIX,
    );
    // Assess
    expect(settings.thresholds.get('posture.access-key-too-old')).toBe(30);
    expect(settings.requiredClasses).toEqual(['uppercase', 'numbers']);
  });

  it('accepts none for no character class requirement', () => {
    expect(
      parsePostureSettings(
        { 'rules/posture.password-policy-character-classes/required-classes': 'none' },
        PREFIX,
      ).requiredClasses,
    ).toEqual([]);
  });

  it('keeps the previous valid value and reports each invalid one', () => {
    // Prepare
    const previous = parsePostureSettings({ 'rules/posture.access-key-unused/threshold': '60' }, PREFIX);
    // Act
    const settings = parsePostureSettings(
      {
        'rules/posture.access-key-unused/threshold': '0',
        'rules/posture.password-policy-reuse-prevention/threshold': '25',
        'rules/posture.access-key-too-old/threshold': 'ninety',
        'rules/posture.password-policy-character-classes/required-classes': 'uppercase,emoji',
      },
      PREFIX,
      POSTURE_CHECKS,
      previous,
    );
    // Assess
    expect(settings.thresholds.get('posture.access-key-unused')).toBe(60);
    expect(settings.thresholds.get('posture.password-policy-reuse-prevention')).toBe(24);
    expect(settings.thresholds.get('posture.access-key-too-old')).toBe(90);
    expect(settings.requiredClasses).toEqual(['uppercase', 'lowercase', 'numbers', 'symbols']);
    expect(settings.problems.map((p) => [p.parameter, p.using])).toEqual([
      ['/tg/rules/posture.password-policy-reuse-prevention/threshold', '24'],
      ['/tg/rules/posture.access-key-unused/threshold', '60'],
      ['/tg/rules/posture.access-key-too-old/threshold', '90'],
      [
        '/tg/rules/posture.password-policy-character-classes/required-classes',
        'uppercase,lowercase,numbers,symbols',
      ],
    ]);
  });
});

describe('posture modes through the run-time configuration', () => {
  it('resolves each check mode from rules/<id>/mode, with the kill switch, like every rule', () => {
    // Act
    const config = parseRuntimeConfig(
      { 'rules/posture.access-key-too-old/mode': 'enforce', 'kill-switch': 'on' },
      PREFIX,
      POSTURE_CONFIG_ENTRIES,
    );
    // Assess
    expect(config.rules.get('posture.access-key-too-old')).toMatchObject({
      mode: 'alert',
      configuredMode: 'enforce',
    });
    expect(config.rules.get('posture.access-key-unused')).toMatchObject({
      mode: 'alert',
      configuredMode: 'enforce',
    });
    expect(config.rules.get('posture.root-mfa')).toMatchObject({ mode: 'alert', configuredMode: 'alert' });
  });
});

describe('postureParameters', () => {
  it('creates a mode per check and a threshold or baseline per tunable check, each at its default', () => {
    // Act
    const parameters = postureParameters(PREFIX);
    // Assess
    const modes = parameters.filter((p) => p.kind === 'mode');
    expect(modes.map((p) => p.checkId)).toEqual(POSTURE_CHECKS.map((c) => c.id));
    for (const p of modes) expect(p.allowedPattern).toBe(`^(${RULE_MODES.join('|')})$`);
    expect(parameters.find((p) => p.name === '/tg/rules/posture.access-key-unused/mode')?.value).toBe(
      'enforce',
    );
    expect(parameters.find((p) => p.name === '/tg/rules/posture.access-key-too-old/mode')?.value).toBe(
      'dry-run',
    );
    expect(parameters.find((p) => p.name === '/tg/rules/posture.access-key-too-old/threshold')).toMatchObject(
      {
        value: '90',
        type: 'String',
      },
    );
    const classes = parameters.find((p) => p.kind === 'required-classes');
    expect(classes).toMatchObject({ type: 'StringList', value: 'uppercase,lowercase,numbers,symbols' });
    const pattern = new RegExp(classes?.allowedPattern ?? '$^');
    expect(pattern.test('uppercase,numbers')).toBe(true);
    expect(pattern.test('none')).toBe(true);
    expect(pattern.test('uppercase,')).toBe(false);
    for (const p of parameters) {
      expect(p.description.length).toBeLessThanOrEqual(1024);
      expect(p.description).toMatch(/Allowed values/);
    }
  });
});
