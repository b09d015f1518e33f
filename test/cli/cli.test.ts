import { describe, expect, it } from 'vitest';
import { catalog } from '../../lambdas/rules';
import { runCli } from '../support/cli';

describe('trailguard CLI', () => {
  it('lists every catalog rule as JSON with its metadata when asked for json', async () => {
    // Act
    const { code, out } = await runCli('rules', 'list', '--format', 'json');
    // Assess
    expect(code).toBe(0);
    const rules = JSON.parse(out) as { id: string; severity: string; attack: string[]; mode: string }[];
    expect(rules.map((r) => r.id)).toEqual(catalog.map((r) => r.id));
    expect(rules.find((r) => r.id === 'cloudtrail.logging-stopped')).toMatchObject({
      severity: 'critical',
      mode: 'enforce',
    });
  });

  it('prints one table row per rule by default', async () => {
    // Act
    const { code, out } = await runCli('rules', 'list');
    // Assess
    expect(code).toBe(0);
    expect(out.split('\n')).toHaveLength(catalog.length + 1);
  });

  it('exits 2 with the usage when the command, an option or a format is unknown', async () => {
    // Act
    const unknown = await runCli('bogus');
    const badFormat = await runCli('rules', 'list', '--format', 'xml');
    const badOption = await runCli('rules', 'list', '--colour');
    // Assess
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('unknown command: bogus');
    expect(badFormat.code).toBe(2);
    expect(badFormat.err).toContain('--format must be table or json, got "xml"');
    expect(badFormat.err).toContain('usage: trailguard rules list');
    expect(badOption.code).toBe(2);
    expect(badOption.err).toContain('--colour');
  });

  it('prints the command list and a command usage on --help', async () => {
    // Act
    const overview = await runCli('--help');
    const usage = await runCli('rules', 'list', '--help');
    // Assess
    expect(overview.out).toContain('rules list');
    expect(usage.out).toBe('trailguard rules list [--format table|json]');
  });
});
