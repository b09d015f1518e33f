/**
 * Reads the account's IAM state for the posture checks: the credential report, the account summary and password
 * policy, and per user the access key ids (the report has none) and the policies attached directly.
 *
 * Only the credential report is essential: without it the run fails (and is retried). Anything else that cannot be
 * read becomes a gap in the report and the checks that need it say "not evaluated", never "pass".
 */
import {
  GenerateCredentialReportCommand,
  GetAccountPasswordPolicyCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetUserPolicyCommand,
  type IAMClient,
  paginateListAccessKeys,
  paginateListAttachedUserPolicies,
  paginateListUserPolicies,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { grantsAdmin } from '../rules/policy-document';
import { parseCredentialReport } from './credential-report';
import type {
  AccessKeyInfo,
  CredentialReportRow,
  PasswordPolicy,
  PostureSnapshot,
  UserDetail,
} from './types';

/** The credential report could not be obtained: nothing user-level can be evaluated, so the run fails. */
export class PostureCollectionError extends Error {
  override readonly name = 'PostureCollectionError';
}

export interface CollectDeps {
  readonly iam: IAMClient;
  readonly sts: STSClient;
  /** Waits between credential report polls (tests pass a no-op). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Users read in parallel; IAM throttles around 20 requests per second per account. */
  readonly concurrency?: number;
  /** How long to wait for IAM to generate the credential report. */
  readonly reportTimeoutMs?: number;
}

const errorName = (error: unknown) => (error as { name?: string }).name ?? 'Error';
const isNoSuchEntity = (error: unknown) =>
  ['NoSuchEntityException', 'NoSuchEntity'].includes(errorName(error));
const describe = (error: unknown) =>
  `${errorName(error)}: ${(error as Error).message ?? String(error)}`.slice(0, 300);

export async function collectSnapshot(deps: CollectDeps): Promise<PostureSnapshot> {
  const identity = await deps.sts.send(new GetCallerIdentityCommand({}));
  const account = identity.Account ?? '';
  const partition = identity.Arn?.split(':')[1] ?? 'aws';
  if (!/^\d{12}$/.test(account)) throw new PostureCollectionError(`STS returned no account id (${account})`);

  const { text, generatedAt } = await credentialReport(deps);
  const parsed = parseCredentialReport(text);
  const gaps = [...parsed.gaps];

  let accountSummary: PostureSnapshot['accountSummary'];
  try {
    const out = await deps.iam.send(new GetAccountSummaryCommand({}));
    const map = out.SummaryMap ?? {};
    if (map.AccountMFAEnabled !== undefined && map.AccountAccessKeysPresent !== undefined) {
      accountSummary = {
        mfaEnabled: map.AccountMFAEnabled === 1,
        accessKeysPresent: map.AccountAccessKeysPresent === 1,
      };
    } else gaps.push('GetAccountSummary returned no AccountMFAEnabled / AccountAccessKeysPresent');
  } catch (error) {
    gaps.push(`GetAccountSummary failed (${describe(error)})`);
  }

  let passwordPolicy: PasswordPolicy | null | undefined;
  try {
    const out = await deps.iam.send(new GetAccountPasswordPolicyCommand({}));
    const p = out.PasswordPolicy ?? {};
    passwordPolicy = {
      minimumPasswordLength: p.MinimumPasswordLength,
      passwordReusePrevention: p.PasswordReusePrevention,
      maxPasswordAge: p.ExpirePasswords === false ? undefined : p.MaxPasswordAge,
      requireUppercaseCharacters: p.RequireUppercaseCharacters === true,
      requireLowercaseCharacters: p.RequireLowercaseCharacters === true,
      requireNumbers: p.RequireNumbers === true,
      requireSymbols: p.RequireSymbols === true,
    };
  } catch (error) {
    // No custom policy: IAM answers NoSuchEntity.
    if (isNoSuchEntity(error)) passwordPolicy = null;
    else gaps.push(`GetAccountPasswordPolicy failed (${describe(error)})`);
  }

  const details = new Map<string, UserDetail>();
  const policyCache = new Map<string, Promise<boolean>>();
  await forEachLimited(parsed.users, deps.concurrency ?? 4, async (row) => {
    details.set(row.user, await userDetail(deps.iam, row, partition, policyCache, gaps));
  });

  return {
    account,
    partition,
    reportGeneratedAt: generatedAt,
    users: parsed.users,
    root: parsed.root,
    accountSummary,
    passwordPolicy,
    details,
    gaps,
  };
}

/** Asks IAM for a fresh report (it reuses one under 4 hours old) and waits until it is ready. */
async function credentialReport(deps: CollectDeps): Promise<{ text: string; generatedAt?: Date }> {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = Date.now() + (deps.reportTimeoutMs ?? 120_000);
  let last = 'not started';
  for (let attempt = 0; ; attempt++) {
    try {
      const generated = await deps.iam.send(new GenerateCredentialReportCommand({}));
      if (generated.State === 'COMPLETE') {
        const report = await deps.iam.send(new GetCredentialReportCommand({}));
        if (report.Content === undefined)
          throw new PostureCollectionError('GetCredentialReport returned no content');
        return { text: new TextDecoder().decode(report.Content), generatedAt: report.GeneratedTime };
      }
      last = `state ${generated.State ?? 'unknown'}`;
    } catch (error) {
      if (error instanceof PostureCollectionError) throw error;
      // Not ready / expired between the two calls: ask again. Anything else (AccessDenied...) is final.
      if (!/ReportInProgress|ReportNotPresent|ReportExpired|CredentialReport/.test(errorName(error))) {
        throw new PostureCollectionError(`could not get the IAM credential report: ${describe(error)}`, {
          cause: error,
        });
      }
      last = errorName(error);
    }
    if (Date.now() >= deadline) {
      throw new PostureCollectionError(`the IAM credential report was not ready in time (${last})`);
    }
    await sleep(Math.min(1000 * 2 ** attempt, 10_000));
  }
}

async function userDetail(
  iam: IAMClient,
  row: CredentialReportRow,
  partition: string,
  policyCache: Map<string, Promise<boolean>>,
  gaps: string[],
): Promise<UserDetail> {
  let accessKeys: AccessKeyInfo[] | undefined;
  let adminPolicies: string[] | undefined;
  try {
    // Key ids are only needed to map report slots to keys; users without keys cost no call.
    if (row.keys.some((k) => k.lastRotated !== undefined)) {
      accessKeys = [];
      for await (const page of paginateListAccessKeys({ client: iam }, { UserName: row.user })) {
        for (const key of page.AccessKeyMetadata ?? []) {
          if (key.AccessKeyId)
            accessKeys.push({
              accessKeyId: key.AccessKeyId,
              status: key.Status ?? 'unknown',
              createdAt: key.CreateDate,
            });
        }
      }
    } else accessKeys = [];
  } catch (error) {
    if (isNoSuchEntity(error)) return { gone: true };
    gaps.push(
      `ListAccessKeys for user ${row.user} failed (${describe(error)}); its key findings carry no key id`,
    );
  }
  try {
    adminPolicies = [];
    for await (const page of paginateListAttachedUserPolicies({ client: iam }, { UserName: row.user })) {
      for (const policy of page.AttachedPolicies ?? []) {
        if (policy.PolicyArn && (await isAdminManagedPolicy(iam, policy.PolicyArn, partition, policyCache))) {
          adminPolicies.push(`${policy.PolicyName ?? policy.PolicyArn} (managed)`);
        }
      }
    }
    for await (const page of paginateListUserPolicies({ client: iam }, { UserName: row.user })) {
      for (const name of page.PolicyNames ?? []) {
        const out = await iam.send(new GetUserPolicyCommand({ UserName: row.user, PolicyName: name }));
        if (grantsAdmin(out.PolicyDocument)) adminPolicies.push(`${name} (inline)`);
      }
    }
  } catch (error) {
    if (isNoSuchEntity(error)) return { gone: true };
    adminPolicies = undefined;
    gaps.push(
      `the policies of user ${row.user} could not be read (${describe(error)}); admin check skipped for it`,
    );
  }
  return { accessKeys, adminPolicies };
}

/**
 * AdministratorAccess, or a customer managed policy whose default version allows every action on every resource.
 * Other AWS managed policies are not read: none of them is "*:*" (PowerUserAccess and IAMFullAccess are broad but
 * not full administrator grants).
 */
function isAdminManagedPolicy(
  iam: IAMClient,
  arn: string,
  partition: string,
  cache: Map<string, Promise<boolean>>,
): Promise<boolean> {
  if (arn === `arn:${partition}:iam::aws:policy/AdministratorAccess`) return Promise.resolve(true);
  if (arn.startsWith(`arn:${partition}:iam::aws:policy/`)) return Promise.resolve(false);
  let cached = cache.get(arn);
  if (cached === undefined) {
    cached = (async () => {
      try {
        const policy = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
        const versionId = policy.Policy?.DefaultVersionId;
        if (!versionId) return false;
        const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: versionId }));
        return grantsAdmin(version.PolicyVersion?.Document);
      } catch (error) {
        // Deleted since it was listed: it grants nothing any more (and says nothing about the user).
        if (isNoSuchEntity(error)) return false;
        throw error;
      }
    })();
    cache.set(arn, cached);
  }
  return cached;
}

async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
