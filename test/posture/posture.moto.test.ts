/**
 * The posture checks end to end against moto_server: real IAM users, keys, login profiles, MFA devices, policies and
 * the real credential report, read with the real SDK clients. The moto account is shared with other test files, so
 * every assertion is filtered to the users this file creates (unique name prefix).
 *
 * moto creates everything "now" and cannot backdate a key or a password, so ages are measured as of a later date
 * (`asOf`), exactly what `trailguard posture --as-of` does.
 */
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateLoginProfileCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  DeleteAccountPasswordPolicyCommand,
  EnableMFADeviceCommand,
  IAMClient,
  PutUserPolicyCommand,
  UpdateAccountPasswordPolicyCommand,
} from '@aws-sdk/client-iam';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { beforeAll, describe, expect, it } from 'vitest';
import { ssmParameterFetcher } from '../../lambdas/config/ssm-fetcher';
import { type AssessOptions, assessPosture } from '../../lambdas/posture/assess';
import { motoClientConfig } from '../support/aws';

const suffix = Math.random().toString(36).slice(2, 8);
const P = `tgp-${suffix}-`;
const CONFIG = `/tg-posture-${suffix}`;
const DAY = 24 * 3600 * 1000;
const later = (days: number) => new Date(Date.now() + days * DAY);
const ADMIN_DOCUMENT = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
});

let iam: IAMClient;
let sts: STSClient;
let ssm: SSMClient;
const keys: Record<string, string[]> = {};

async function createUser(name: string): Promise<string> {
  const userName = `${P}${name}`;
  await iam.send(new CreateUserCommand({ UserName: userName }));
  return userName;
}

async function createKey(userName: string): Promise<string> {
  const out = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
  const id = out.AccessKey?.AccessKeyId ?? '';
  keys[userName] = [...(keys[userName] ?? []), id];
  return id;
}

beforeAll(async () => {
  iam = new IAMClient(motoClientConfig());
  sts = new STSClient(motoClientConfig());
  ssm = new SSMClient(motoClientConfig());

  await createKey(await createUser('old-key'));
  const twoKeys = await createUser('two-keys');
  await createKey(twoKeys);
  await createKey(twoKeys);

  const noMfa = await createUser('console-no-mfa');
  await iam.send(new CreateLoginProfileCommand({ UserName: noMfa, Password: 'Correct-Horse-9!' }));
  const withMfa = await createUser('console-mfa');
  await iam.send(new CreateLoginProfileCommand({ UserName: withMfa, Password: 'Correct-Horse-9!' }));
  const device = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: `${P}mfa` }));
  await iam.send(
    new EnableMFADeviceCommand({
      UserName: withMfa,
      SerialNumber: device.VirtualMFADevice?.SerialNumber,
      AuthenticationCode1: '123456',
      AuthenticationCode2: '654321',
    }),
  );

  const inline = await createUser('admin-inline');
  await iam.send(
    new PutUserPolicyCommand({ UserName: inline, PolicyName: 'everything', PolicyDocument: ADMIN_DOCUMENT }),
  );
  const managed = await createUser('admin-managed');
  const adminPolicy = await iam.send(
    new CreatePolicyCommand({ PolicyName: `${P}admin`, PolicyDocument: ADMIN_DOCUMENT }),
  );
  await iam.send(new AttachUserPolicyCommand({ UserName: managed, PolicyArn: adminPolicy.Policy?.Arn }));
  const readOnly = await createUser('read-only');
  const readPolicy = await iam.send(
    new CreatePolicyCommand({
      PolicyName: `${P}read`,
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
      }),
    }),
  );
  await iam.send(new AttachUserPolicyCommand({ UserName: readOnly, PolicyArn: readPolicy.Policy?.Arn }));

  // A key that is used: moto records the last use of the key that signs a request.
  const used = await createUser('used-key');
  const usedKey = await iam.send(new CreateAccessKeyCommand({ UserName: used }));
  keys[used] = [usedKey.AccessKey?.AccessKeyId ?? ''];
  const asUsed = new STSClient({
    ...motoClientConfig(),
    credentials: {
      accessKeyId: usedKey.AccessKey?.AccessKeyId ?? '',
      secretAccessKey: usedKey.AccessKey?.SecretAccessKey ?? '',
    },
  });
  await asUsed.send(new GetCallerIdentityCommand({}));
  asUsed.destroy();

  await createUser('clean');
});

function assess(options: Partial<AssessOptions> = {}) {
  return assessPosture({
    iam,
    sts,
    prefix: CONFIG,
    fetchConfig: ssmParameterFetcher(ssm, CONFIG),
    sleep: async () => {},
    ...options,
  });
}

/** `<rule id> <user without prefix> [<key id>]` for each finding about a user of this file. */
async function userFindings(options: Partial<AssessOptions>) {
  const { findings } = await assess(options);
  return findings
    .map((f) => f.finding)
    .filter((f) => f.principal.identityName?.startsWith(P))
    .map((f) => {
      const name = f.principal.identityName?.slice(P.length);
      return f.principal.accessKeyId
        ? `${f.ruleId} ${name} ${f.principal.accessKeyId}`
        : `${f.ruleId} ${name}`;
    })
    .sort();
}

const k = (name: string, index = 0) => keys[`${P}${name}`]?.[index] ?? 'missing';

describe('posture checks against moto', () => {
  it('raises exactly the expected findings for the seeded users when measured 100 days later', async () => {
    // Act
    const found = await userFindings({ asOf: later(100) });
    // Assess
    expect(found).toEqual(
      [
        `posture.access-key-too-old old-key ${k('old-key')}`,
        `posture.access-key-too-old two-keys ${k('two-keys')}`,
        `posture.access-key-too-old two-keys ${k('two-keys', 1)}`,
        `posture.access-key-too-old used-key ${k('used-key')}`,
        `posture.access-key-unused old-key ${k('old-key')}`,
        `posture.access-key-unused two-keys ${k('two-keys')}`,
        `posture.access-key-unused two-keys ${k('two-keys', 1)}`,
        `posture.access-key-unused used-key ${k('used-key')}`,
        'posture.admin-policy-attached-to-user admin-inline',
        'posture.admin-policy-attached-to-user admin-managed',
        'posture.console-user-without-mfa console-no-mfa',
        'posture.multiple-active-access-keys two-keys',
        'posture.password-unused console-mfa',
        'posture.password-unused console-no-mfa',
      ].sort(),
    );
  });

  it('raises only the age-independent findings when measured 10 days later', async () => {
    // Act
    const found = await userFindings({ asOf: later(10) });
    // Assess
    expect(found).toEqual([
      'posture.admin-policy-attached-to-user admin-inline',
      'posture.admin-policy-attached-to-user admin-managed',
      'posture.console-user-without-mfa console-no-mfa',
      'posture.multiple-active-access-keys two-keys',
    ]);
  });

  it('maps each report key slot to its key id and plans to disable that key', async () => {
    // Act
    const { findings } = await assess({ asOf: later(100) });
    const plans = findings
      .filter(
        (f) =>
          f.finding.ruleId === 'posture.access-key-unused' &&
          f.finding.principal.identityName === `${P}two-keys`,
      )
      .map((f) => f.finding.remediation);
    // Assess
    expect(plans).toEqual([
      [
        expect.objectContaining({
          action: 'iam.disable-access-key',
          params: { userName: `${P}two-keys`, accessKeyId: k('two-keys') },
        }),
      ],
      [
        expect.objectContaining({
          action: 'iam.disable-access-key',
          params: { userName: `${P}two-keys`, accessKeyId: k('two-keys', 1) },
        }),
      ],
    ]);
  });

  it('reads when a key was last used from the credential report', async () => {
    // Act
    const { report } = await assess({ asOf: later(100) });
    const details = report.checks
      .find((c) => c.id === 'posture.access-key-unused')
      ?.violations.filter((v) => v.subject.name.startsWith(P))
      .map((v) => `${v.subject.name.slice(P.length)}: ${v.detail}`);
    // Assess
    const today = new Date().toISOString().slice(0, 10);
    expect(details).toContainEqual(
      expect.stringMatching(new RegExp(`^used-key: access key \\w+ last used ${today}: idle 100 days`)),
    );
    expect(details).toContainEqual(
      expect.stringMatching(/^old-key: access key \w+ never used since created/),
    );
  });

  it('changes the outcome when thresholds and modes change in SSM, without redeploying', async () => {
    // Prepare: measured 60 days later, the CIS defaults say the keys are young enough (90) but unused (45).
    const prefix = `${CONFIG}-tuned`;
    const tuned = { prefix, fetchConfig: ssmParameterFetcher(ssm, prefix), asOf: later(60) };
    const before = await userFindings(tuned);
    // Act
    for (const [name, value] of [
      ['rules/posture.access-key-too-old/threshold', '30'],
      ['rules/posture.access-key-unused/threshold', '90'],
      ['rules/posture.console-user-without-mfa/mode', 'off'],
    ]) {
      await ssm.send(
        new PutParameterCommand({ Name: `${prefix}/${name}`, Value: value, Type: 'String', Overwrite: true }),
      );
    }
    const after = await userFindings(tuned);
    // Assess
    expect(before.filter((f) => f.startsWith('posture.access-key-too-old'))).toEqual([]);
    expect(before.filter((f) => f.startsWith('posture.access-key-unused'))).toHaveLength(4);
    expect(before).toContain('posture.console-user-without-mfa console-no-mfa');
    expect(after.filter((f) => f.startsWith('posture.access-key-too-old'))).toHaveLength(4);
    expect(after.filter((f) => f.startsWith('posture.access-key-unused'))).toEqual([]);
    expect(after.some((f) => f.startsWith('posture.console-user-without-mfa'))).toBe(false);
  });

  it('keeps the default and reports the problem when a threshold in SSM is invalid', async () => {
    // Prepare
    const prefix = `${CONFIG}-invalid`;
    await ssm.send(
      new PutParameterCommand({
        Name: `${prefix}/rules/posture.password-unused/threshold`,
        Value: 'forty-five',
        Type: 'String',
      }),
    );
    // Act
    const { report, configProblems } = await assess({
      prefix,
      fetchConfig: ssmParameterFetcher(ssm, prefix),
      asOf: later(100),
    });
    // Assess
    expect(configProblems).toEqual([
      expect.objectContaining({
        parameter: `${prefix}/rules/posture.password-unused/threshold`,
        using: '45',
      }),
    ]);
    expect(report.checks.find((c) => c.id === 'posture.password-unused')?.setting).toBe('45 days');
    expect(report.configProblems).toHaveLength(1);
  });

  it('judges the root user from GetAccountSummary, since moto has no root row in the report', async () => {
    // Act
    const { report } = await assess({ asOf: later(1) });
    const check = (id: string) => report.checks.find((c) => c.id === id);
    // Assess: moto's summary always says AccountMFAEnabled 0, AccountAccessKeysPresent 0.
    expect(check('posture.root-access-key')?.status).toBe('pass');
    expect(check('posture.root-mfa')).toMatchObject({
      status: 'fail',
      violations: [expect.objectContaining({ detail: 'root MFA not enabled (GetAccountSummary)' })],
    });
  });

  it('reports pass/fail per user, including the users that pass', async () => {
    // Act
    const { report } = await assess({ asOf: later(10) });
    const mine = Object.fromEntries(
      report.users.filter((u) => u.userName.startsWith(P)).map((u) => [u.userName.slice(P.length), u.status]),
    );
    // Assess
    expect(mine).toEqual({
      'old-key': 'pass',
      'two-keys': 'fail',
      'console-no-mfa': 'fail',
      'console-mfa': 'pass',
      'admin-inline': 'fail',
      'admin-managed': 'fail',
      'read-only': 'pass',
      'used-key': 'pass',
      clean: 'pass',
    });
  });

  // The password policy is account-wide and the moto account is shared: only this test touches it.
  it('checks the account password policy against the baseline: none, weak, then CIS-strong', async () => {
    // Prepare
    const policyResults = async () => {
      const { report } = await assess({ asOf: later(1) });
      return Object.fromEntries(
        report.checks.filter((c) => c.id.startsWith('posture.password-policy-')).map((c) => [c.id, c.status]),
      );
    };
    // Act
    await iam.send(new DeleteAccountPasswordPolicyCommand({})).catch(() => undefined);
    const none = await policyResults();
    await iam.send(
      new UpdateAccountPasswordPolicyCommand({
        MinimumPasswordLength: 8,
        PasswordReusePrevention: 3,
        RequireUppercaseCharacters: true,
        RequireLowercaseCharacters: true,
      }),
    );
    const weak = await policyResults();
    await iam.send(
      new UpdateAccountPasswordPolicyCommand({
        MinimumPasswordLength: 14,
        PasswordReusePrevention: 24,
        MaxPasswordAge: 90,
        RequireUppercaseCharacters: true,
        RequireLowercaseCharacters: true,
        RequireNumbers: true,
        RequireSymbols: true,
      }),
    );
    const strong = await policyResults();
    await iam.send(new DeleteAccountPasswordPolicyCommand({}));
    // Assess
    const all = (status: string) => ({
      'posture.password-policy-min-length': status,
      'posture.password-policy-reuse-prevention': status,
      'posture.password-policy-max-age': status,
      'posture.password-policy-character-classes': status,
    });
    expect(none).toEqual(all('fail'));
    expect(weak).toEqual(all('fail'));
    expect(strong).toEqual(all('pass'));
  });
});
