import { describe, expect, it } from 'vitest';
import { attackTool, rule as attackTools } from '../../../lambdas/rules/credentials/attack-tool-user-agent';
import {
  rule as instanceCredentials,
  isInstanceCredential,
} from '../../../lambdas/rules/credentials/instance-credentials-used-externally';
import { scanner, rule as scanners } from '../../../lambdas/rules/credentials/security-scanner-user-agent';
import { isPublicIpAddress } from '../../../lambdas/rules/helpers';
import { counts, loadFixture } from '../support';

describe('isPublicIpAddress', () => {
  it.each([
    ['45.148.10.22', true],
    ['52.42.146.205', true],
    ['2a01:4f8:c17:b8f::2', true],
    ['::ffff:45.148.10.22', true],
    ['10.0.12.34', false],
    ['172.31.255.1', false],
    ['172.32.0.1', true],
    ['192.168.1.1', false],
    ['100.64.0.1', false],
    ['100.128.0.1', true],
    ['127.0.0.1', false],
    ['169.254.169.254', false],
    ['224.0.0.1', false],
    ['fd12:3456::1', false],
    ['fe80::1', false],
    ['::1', false],
    ['::ffff:10.1.2.3', false],
    ['ec2.amazonaws.com', false],
    ['AWS Internal', false],
    ['300.1.1.1', false],
    ['1.2.3', false],
    [42, false],
  ])('%s is public: %s', (value, expected) => {
    expect(isPublicIpAddress(value)).toBe(expected);
  });
});

describe('credentials.instance-credentials-used-externally', () => {
  const ID = 'credentials.instance-credentials-used-externally';

  it('recognises instance credentials by ec2RoleDelivery or by an instance-id session name', () => {
    // Prepare
    const marked = loadFixture(ID, 'positive', 'describe-instances-from-public-ip');
    const named = loadFixture(ID, 'positive', 'session-name-only-imdsv1-era');
    const lookalike = loadFixture(ID, 'negative', 'ordinary-role-session');
    if (lookalike.userIdentity)
      lookalike.userIdentity.arn = 'arn:aws:sts::111122223333:assumed-role/DeployRole/i-am-not-an-instance';

    // Assess
    expect(isInstanceCredential(marked)).toBe(true);
    expect(isInstanceCredential(named)).toBe(true);
    expect(isInstanceCredential(lookalike)).toBe(false);
  });

  it('does not count calls an AWS service made with the instance credentials', () => {
    // Prepare
    const event = loadFixture(ID, 'positive', 'describe-instances-from-public-ip');
    if (event.userIdentity) event.userIdentity.invokedBy = 'eks.amazonaws.com';

    // Assess
    expect(counts(instanceCredentials, event)).toBe(false);
  });

  it('plans to revoke the instance role’s sessions', () => {
    expect(
      instanceCredentials
        .remediation?.(loadFixture(ID, 'positive', 'describe-instances-from-public-ip'))
        .map((s) => [s.action, s.params]),
    ).toEqual([['iam.revoke-role-sessions', { roleName: 'AppServerRole' }]]);
  });
});

describe('credentials.attack-tool-user-agent', () => {
  const ID = 'credentials.attack-tool-user-agent';

  it.each([
    ['TruffleHog', 'TruffleHog'],
    ['trufflehog/3.63.0', 'TruffleHog'],
    ['aws-cli/1.29.62 Python/3.11.8 Linux/6.6.9-kali1-amd64 botocore/1.31.62', 'Kali Linux'],
    ['Boto3/1.26.45 Python/3.9.2 Linux/6.0.0-2parrot1-amd64 Botocore/1.29.45', 'Parrot OS'],
    ['aws-cli/2.15.0 os/linux#6.1.12-pentoo md/arch#x86_64', 'Pentoo Linux'],
    ['Boto3/1.34.1 Botocore/1.34.1 Pacu', 'Pacu'],
    ['aws-sdk-go-v2/1.32.3 exec-env/kalimba-build md/parroting#1 app/pacuare-sync', undefined],
    ['aws-cli/2.22.35 os/linux#6.8.0-1021-aws', undefined],
  ])('%s is %s', (userAgent, tool) => {
    expect(attackTool({ ...loadFixture(ID, 'positive', 'trufflehog-verifies-key'), userAgent })).toBe(tool);
  });

  it('counts TruffleHog on its key check only', () => {
    // Prepare
    const check = loadFixture(ID, 'positive', 'trufflehog-verifies-key');
    const other = { ...check, eventSource: 'sts.amazonaws.com', eventName: 'AssumeRole' };

    // Assess
    expect(counts(attackTools, check)).toBe(true);
    expect(counts(attackTools, other)).toBe(false);
  });

  it('deactivates the long-term key that signed the call, and nothing for a role session', () => {
    expect(
      attackTools
        .remediation?.(loadFixture(ID, 'positive', 'kali-cli-lists-users'))
        .map((s) => [s.action, s.params]),
    ).toEqual([['iam.disable-access-key', { userName: 'ci-deployer', accessKeyId: 'AKIAQ3EGUXBZ4TVMWK7N' }]]);
    expect(attackTools.remediation?.(loadFixture(ID, 'positive', 'parrot-boto3-role-session'))).toEqual([]);
  });

  it('enforces by default: the action is reversible and the signal is strong', () => {
    expect(attackTools.defaultMode).toBe('enforce');
  });
});

describe('credentials.security-scanner-user-agent', () => {
  const ID = 'credentials.security-scanner-user-agent';

  it('recognises ScoutSuite and Prowler, by user agent or Prowler’s session name', () => {
    expect(scanner(loadFixture(ID, 'positive', 'scoutsuite-lists-roles'))).toBe('ScoutSuite');
    expect(scanner(loadFixture(ID, 'positive', 'prowler-partner-id'))).toBe('Prowler');
    expect(scanner(loadFixture(ID, 'positive', 'prowler-assessment-session'))).toBe('Prowler');
    expect(scanner(loadFixture(ID, 'negative', 'scout-without-suite'))).toBeUndefined();
  });

  it('counts a scan once per principal and hour rather than per call', () => {
    expect(scanners.threshold).toMatchObject({ count: 20, windowSeconds: 3600 });
  });
});
