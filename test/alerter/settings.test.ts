import { describe, expect, it } from 'vitest';
import { alertingSettingsSource } from '../../lambdas/alerter/settings';
import { defaultParameters } from '../../lambdas/config/defaults';
import { DEFAULT_ALERTING, parseRuntimeConfig } from '../../lambdas/config/runtime-config';
import { ssmNames } from '../../lambdas/shared/contract';
import { recordingLog } from '../../lambdas/shared/log';

describe('alerting settings', () => {
  it('starts from the parameters the stack creates: escalation at critical, a 900 s aggregation window', () => {
    // Prepare
    const created = defaultParameters('/tg', [], 'arn:aws:iam::111122223333:root');

    // Act
    const raw = Object.fromEntries(created.map((p) => [p.name.slice('/tg/'.length), p.value]));
    const { alerting, problems } = parseRuntimeConfig(raw, '/tg', []);

    // Assess
    expect(created.map((p) => p.name)).toEqual(
      expect.arrayContaining([
        ssmNames.escalationMinSeverity('/tg'),
        ssmNames.aggregationWindowSeconds('/tg'),
      ]),
    );
    expect(alerting).toEqual({ escalationMinSeverity: 'critical', aggregationWindowSeconds: 900 });
    expect(alerting).toEqual(DEFAULT_ALERTING);
    expect(problems).toEqual([]);
  });

  it.each([
    ['escalation-min-severity', 'urgent'],
    ['aggregation-window-seconds', '90000'],
    ['aggregation-window-seconds', '-5'],
    ['aggregation-window-seconds', '15 min'],
  ])('keeps the last valid value and reports the problem when %s is %j', (name, value) => {
    // Prepare
    const previous = parseRuntimeConfig(
      { 'alerting/escalation-min-severity': 'high', 'alerting/aggregation-window-seconds': '600' },
      '/tg',
      [],
    );

    // Act
    const config = parseRuntimeConfig({ [`alerting/${name}`]: value }, '/tg', [], previous);

    // Assess
    expect(config.alerting).toEqual({ escalationMinSeverity: 'high', aggregationWindowSeconds: 600 });
    expect(config.problems).toEqual([expect.objectContaining({ parameter: `/tg/alerting/${name}`, value })]);
  });

  it('turns aggregation off with a window of 0', () => {
    expect(
      parseRuntimeConfig({ 'alerting/aggregation-window-seconds': '0' }, '/tg', []).alerting
        .aggregationWindowSeconds,
    ).toBe(0);
  });

  it('reads names relative to the alerting subtree and falls back to the defaults when SSM cannot be read', async () => {
    // Prepare
    const log = recordingLog();
    let fail = false;
    const settings = alertingSettingsSource(
      async () => {
        if (fail) throw new Error('AccessDeniedException');
        return { 'escalation-min-severity': 'medium' };
      },
      '/tg',
      0,
      log,
    );

    // Act
    const read = await settings();
    fail = true;
    const afterFailure = await settings();

    // Assess
    expect(read.escalationMinSeverity).toBe('medium');
    expect(afterFailure.escalationMinSeverity).toBe('medium');
    expect(log.entries.map((e) => e.message)).toEqual([
      'could not read the alerting settings from SSM; keeping the last ones',
    ]);
  });
});
