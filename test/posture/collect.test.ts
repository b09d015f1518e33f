/**
 * The collector's handling of what moto cannot produce, with IAM mocked (aws-sdk-client-mock):
 * - a credential report in the exact AWS format, with the `<root_account>` row (moto's has none);
 * - the AWS managed policy AdministratorAccess (moto loads AWS managed policies only when the server starts with
 *   MOTO_IAM_LOAD_MANAGED_POLICIES, which the shared test server does not);
 * - failures: a user deleted mid-run, an unreadable password policy, a report not ready yet or refused.
 * The happy paths against a real emulator are in posture.moto.test.ts.
 */
import {
  GenerateCredentialReportCommand,
  GetAccountPasswordPolicyCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListUserPoliciesCommand,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { collectSnapshot, PostureCollectionError } from '../../lambdas/posture/collect';
import { fixtureText } from './support';

const iamMock = mockClient(IAMClient);
const stsMock = mockClient(STSClient);
const iam = new IAMClient({ region: 'us-east-1' });
const sts = new STSClient({ region: 'us-east-1' });
const noSuchEntity = () => new NoSuchEntityException({ message: 'gone', $metadata: {} });
const named = (name: string) => Object.assign(new Error(`${name} happened`), { name });

beforeEach(() => {
  iamMock.reset();
  stsMock.reset();
  stsMock
    .on(GetCallerIdentityCommand)
    .resolves({ Account: '111122223333', Arn: 'arn:aws:iam::111122223333:user/auditor' });
  iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
  iamMock.on(GetCredentialReportCommand).resolves({
    Content: new TextEncoder().encode(fixtureText('credential-report.csv')),
    GeneratedTime: new Date('2025-01-01T05:00:00Z'),
  });
  iamMock
    .on(GetAccountSummaryCommand)
    .resolves({ SummaryMap: { AccountMFAEnabled: 1, AccountAccessKeysPresent: 1 } });
  iamMock.on(GetAccountPasswordPolicyCommand).rejects(noSuchEntity());
  iamMock.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [] });
  iamMock.on(ListAttachedUserPoliciesCommand).resolves({ AttachedPolicies: [] });
  iamMock.on(ListUserPoliciesCommand).resolves({ PolicyNames: [] });
});

const noWait = { iam, sts, sleep: async () => {} };

describe('collectSnapshot', () => {
  it('keeps the root row apart, dates the snapshot at the report and treats no password policy as none', async () => {
    // Act
    const snapshot = await collectSnapshot(noWait);
    // Assess
    expect(snapshot.account).toBe('111122223333');
    expect(snapshot.root?.keys[0].active).toBe(true);
    expect(snapshot.users.map((u) => u.user)).toEqual(['alice', 'bob', 'ci-deployer']);
    expect(snapshot.reportGeneratedAt).toEqual(new Date('2025-01-01T05:00:00Z'));
    expect(snapshot.passwordPolicy).toBeNull();
    expect(snapshot.accountSummary).toEqual({ mfaEnabled: true, accessKeysPresent: true });
    expect(snapshot.gaps).toEqual([]);
  });

  it('recognises AdministratorAccess attached to a user without reading the AWS managed policy', async () => {
    // Prepare
    iamMock.on(ListAttachedUserPoliciesCommand, { UserName: 'bob' }).resolves({
      AttachedPolicies: [
        { PolicyName: 'AdministratorAccess', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
        { PolicyName: 'ReadOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
      ],
    });
    // Act
    const snapshot = await collectSnapshot(noWait);
    // Assess
    expect(snapshot.details.get('bob')?.adminPolicies).toEqual(['AdministratorAccess (managed)']);
    expect(snapshot.details.get('alice')?.adminPolicies).toEqual([]);
  });

  it('marks a user deleted since the report as gone instead of failing the run', async () => {
    // Prepare
    iamMock.on(ListAccessKeysCommand, { UserName: 'bob' }).rejects(noSuchEntity());
    // Act
    const snapshot = await collectSnapshot(noWait);
    // Assess
    expect(snapshot.details.get('bob')).toEqual({ gone: true });
    expect(snapshot.gaps).toEqual([]);
  });

  it('records a gap, not a pass, when something other than the report cannot be read', async () => {
    // Prepare
    iamMock.on(GetAccountPasswordPolicyCommand).rejects(named('AccessDenied'));
    iamMock.on(ListUserPoliciesCommand, { UserName: 'alice' }).rejects(named('AccessDenied'));
    // Act
    const snapshot = await collectSnapshot(noWait);
    // Assess
    expect(snapshot.passwordPolicy).toBeUndefined();
    expect(snapshot.details.get('alice')?.adminPolicies).toBeUndefined();
    expect(snapshot.gaps).toEqual([
      'GetAccountPasswordPolicy failed (AccessDenied: AccessDenied happened)',
      'the policies of user alice could not be read (AccessDenied: AccessDenied happened); admin check skipped for it',
    ]);
  });

  it('waits for IAM to finish generating the credential report', async () => {
    // Prepare
    iamMock
      .on(GenerateCredentialReportCommand)
      .resolvesOnce({ State: 'STARTED' })
      .resolvesOnce({ State: 'INPROGRESS' })
      .resolves({ State: 'COMPLETE' });
    const waits: number[] = [];
    // Act
    await collectSnapshot({ iam, sts, sleep: async (ms) => void waits.push(ms) });
    // Assess
    expect(waits).toEqual([1000, 2000]);
  });

  it('fails the run when the credential report is refused', async () => {
    // Prepare
    iamMock.on(GenerateCredentialReportCommand).rejects(named('AccessDenied'));
    // Act / Assess
    await expect(collectSnapshot(noWait)).rejects.toThrow(PostureCollectionError);
    await expect(collectSnapshot(noWait)).rejects.toThrow(
      /could not get the IAM credential report: AccessDenied/,
    );
  });
});
