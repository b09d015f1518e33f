import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { POSTURE_VIOLATION_EXIT_CODE } from '../../cli/commands/posture';
import type { PostureReport } from '../../lambdas/posture/report';
import { motoClientConfig } from '../support/aws';
import { runCli } from '../support/cli';

const suffix = Math.random().toString(36).slice(2, 8);
const USER = `tgc-${suffix}-ci`;
const PREFIX = `/tg-cli-${suffix}`;
const later = new Date(Date.now() + 100 * 24 * 3600 * 1000).toISOString().slice(0, 10);
let endpoint: string;

beforeAll(async () => {
  endpoint = inject('motoEndpoint');
  const iam = new IAMClient(motoClientConfig());
  await iam.send(new CreateUserCommand({ UserName: USER }));
  await iam.send(new CreateAccessKeyCommand({ UserName: USER }));
  iam.destroy();
  const ssm = new SSMClient(motoClientConfig());
  await ssm.send(
    new PutParameterCommand({
      Name: `${PREFIX}/rules/posture.access-key-too-old/threshold`,
      Value: '30',
      Type: 'String',
    }),
  );
  ssm.destroy();
});

describe('trailguard posture', () => {
  it('prints a table of every check, the violations and the users when run against an account', async () => {
    // Act
    const { code, out } = await runCli('posture', '--endpoint-url', endpoint, '--as-of', later, '--defaults');
    // Assess
    expect(code).toBe(0);
    expect(out).toMatch(/^TrailGuard IAM posture: account 123456789012/);
    expect(out).toMatch(/posture\.access-key-too-old\s+FAIL \(\d+\)\s+dry-run\s+90 days/);
    expect(out).toContain(`    - user ${USER}: access key`);
    expect(out).toMatch(
      new RegExp(`^  ${USER}\\s+fail\\s+posture\\.access-key-unused, posture\\.access-key-too-old$`, 'm'),
    );
  });

  it('prints the report the Lambda stores when asked for json', async () => {
    // Act
    const { code, out } = await runCli(
      'posture',
      '--endpoint-url',
      endpoint,
      '--as-of',
      later,
      '--format',
      'json',
      '--defaults',
    );
    // Assess
    expect(code).toBe(0);
    const report = JSON.parse(out) as PostureReport;
    expect(report).toMatchObject({
      schemaVersion: '1.0',
      account: '123456789012',
      evaluatedAt: `${later}T00:00:00.000Z`,
    });
    expect(report.checks).toHaveLength(12);
    expect(report.users.find((u) => u.userName === USER)?.status).toBe('fail');
  });

  it('prints a self-contained HTML page when asked for html', async () => {
    // Act
    const { code, out } = await runCli(
      'posture',
      '--endpoint-url',
      endpoint,
      '--format',
      'html',
      '--defaults',
    );
    // Assess
    expect(code).toBe(0);
    expect(out).toMatch(/^<!doctype html>/);
    expect(out).toContain(`<td>${USER}</td>`);
  });

  it('uses the thresholds in SSM under --config-prefix', async () => {
    // Act
    const { out } = await runCli('posture', '--endpoint-url', endpoint, '--config-prefix', PREFIX);
    // Assess
    expect(out).toMatch(/posture\.access-key-too-old\s+\S+( \(\d+\))?\s+dry-run\s+30 days/);
  });

  it('exits with the violation code on --fail-on-violation when a check fails', async () => {
    // Act: moto's account summary always reports the root user without MFA.
    const { code } = await runCli('posture', '--endpoint-url', endpoint, '--defaults', '--fail-on-violation');
    // Assess
    expect(code).toBe(POSTURE_VIOLATION_EXIT_CODE);
  });

  it('exits 2 with the usage on a bad format, date or option combination', async () => {
    // Act
    const format = await runCli('posture', '--format', 'xml');
    const date = await runCli('posture', '--as-of', 'next tuesday');
    const both = await runCli('posture', '--defaults', '--config-prefix', '/x');
    // Assess
    expect(format).toMatchObject({
      code: 2,
      err: expect.stringContaining('--format must be table, json or html'),
    });
    expect(date).toMatchObject({ code: 2, err: expect.stringContaining('--as-of must be an ISO 8601 date') });
    expect(both).toMatchObject({
      code: 2,
      err: expect.stringContaining('give --config-prefix or --defaults, not both'),
    });
    expect(format.err).toContain('usage: trailguard posture');
  });

  it('is listed in the command overview', async () => {
    expect((await runCli('--help')).out).toMatch(/posture\s+IAM posture checks/);
  });
});
