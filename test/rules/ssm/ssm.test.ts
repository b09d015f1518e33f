import { describe, expect, it } from 'vitest';
import { rule as secureParameters } from '../../../lambdas/rules/ssm/secure-parameters-burst';
import { rule as sendCommand, targetsOf } from '../../../lambdas/rules/ssm/send-command-multiple-targets';
import { rule as sessions } from '../../../lambdas/rules/ssm/session-fan-out';
import { counts, loadFixture } from '../support';

const command = (requestParameters: Record<string, unknown>) => ({
  ...loadFixture('ssm.send-command-multiple-targets', 'positive', 'shell-script-three-instances'),
  requestParameters: { documentName: 'AWS-RunShellScript', ...requestParameters },
});

describe('ssm.send-command-multiple-targets', () => {
  it('counts distinct instances from instanceIds and InstanceIds targets together', () => {
    expect(
      targetsOf(
        command({ instanceIds: ['i-1', 'i-2'], targets: [{ key: 'InstanceIds', values: ['i-2', 'i-3'] }] }),
      ),
    ).toEqual({ instances: 3 });
    expect(counts(sendCommand, command({ instanceIds: ['i-1', 'i-1', 'i-2'] }))).toBe(false);
  });

  it('treats tag, resource-group and wildcard targets as fan-out', () => {
    expect(targetsOf(command({ targets: [{ Key: 'resource-groups:Name', Values: ['web'] }] }))).toEqual({
      selector: 'targets by resource-groups:Name',
    });
    expect(targetsOf(command({ targets: [{ key: 'InstanceIds', values: ['*'] }] }))).toEqual({
      selector: 'every instance',
    });
    expect(counts(sendCommand, command({ targets: [{ key: 'InstanceIds', values: ['*'] }] }))).toBe(true);
  });

  it('summarizes the document and how many instances it ran on', () => {
    expect(
      sendCommand.summarize(
        loadFixture('ssm.send-command-multiple-targets', 'positive', 'powershell-by-tag'),
      ),
    ).toBe(
      'Role DeployRole (session ci-4711) ran SSM document "AWS-RunPowerShellScript" on targets by tag:Environment from 185.220.101.34.',
    );
  });
});

describe('ssm.secure-parameters-burst', () => {
  it('counts only decrypting reads and groups them by principal', () => {
    // Prepare
    const event = loadFixture('ssm.secure-parameters-burst', 'positive', 'get-parameter-decrypted');
    const plain = { ...event, requestParameters: { name: '/prod/db/password' } };

    // Assess
    expect(counts(secureParameters, plain)).toBe(false);
    expect(secureParameters.threshold?.groupBy(event)).toBe('arn:aws:iam::111122223333:user/alice');
  });

  it('says how many parameters one call read', () => {
    expect(
      secureParameters.summarize(
        loadFixture('ssm.secure-parameters-burst', 'positive', 'several-names-decrypted'),
      ),
    ).toBe('IAM user alice read 3 parameters decrypted from Parameter Store from 185.220.101.34.');
  });
});

describe('ssm.session-fan-out', () => {
  it('defaults to 3 sessions in 10 minutes per principal', () => {
    expect(sessions.threshold).toMatchObject({ count: 3, windowSeconds: 600 });
    expect(
      sessions.threshold?.groupBy(loadFixture('ssm.session-fan-out', 'positive', 'role-starts-port-forward')),
    ).toBe('arn:aws:sts::111122223333:assumed-role/DeployRole/ci-4711');
  });
});
